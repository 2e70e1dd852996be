// Refuse, don't drop (ARCHITECTURE.md decision 4, FAILURE-MODES R7): a parameter the target cannot
// honour is a 400 `unsupported_parameter` naming the parameter and the target — unless the operator
// listed it in the deployment's drop_params, and then it is dropped and reported.
import { UnsupportedParameterError } from '../../core/errors.js';

export class ParamGate {
  readonly #dropParams: ReadonlySet<string>;
  readonly #dropped: string[] = [];
  readonly #ignored: string[] = [];
  /** e.g. `anthropic/claude-sonnet-4-5`, named in every refusal. */
  readonly target: string;

  constructor(target: string, dropParams: ReadonlySet<string> | undefined) {
    this.target = target;
    this.#dropParams = dropParams ?? new Set();
  }

  /**
   * The request needs `key` (the name an operator lists in drop_params, e.g. `logprobs`, `input_audio`),
   * which the target cannot do. Throws unless dropping it is allowed; returns when it was dropped.
   * `param` is the exact place in the request for the error (defaults to `key`).
   */
  refuse(key: string, param: string = key, why?: string): void {
    if (!this.#dropParams.has(key)) throw new UnsupportedParameterError(param, this.target, why);
    if (!this.#dropped.includes(key)) this.#dropped.push(key);
  }

  /** A pure hint with no equivalent (providers.md §0.1: acceptable to drop if logged). */
  ignore(param: string): void {
    if (!this.#ignored.includes(param)) this.#ignored.push(param);
  }

  get dropped(): readonly string[] {
    return this.#dropped;
  }

  get ignored(): readonly string[] {
    return this.#ignored;
  }
}
