/** One thing wrong with a config file, located precisely enough to fix without guessing. */
export interface ConfigProblem {
  /** Dotted path into the config, e.g. `providers.openai.type`; '' for the whole file. */
  readonly path: string;
  readonly message: string;
  readonly expected?: string;
  readonly actual?: string;
  /** 1-based position in the YAML file, when known. */
  readonly line?: number;
  readonly column?: number;
}

export function formatProblem(p: ConfigProblem, file?: string): string {
  const where = `${file ?? 'config'}${p.line ? `:${p.line}:${p.column ?? 1}` : ''}`;
  const parts = [`${where} ${p.path || '(root)'}: ${p.message}`];
  if (p.expected !== undefined) parts.push(`expected ${p.expected}`);
  if (p.actual !== undefined) parts.push(`got ${p.actual}`);
  return parts.join('; ');
}

export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];
  readonly file: string | undefined;
  constructor(problems: readonly ConfigProblem[], file?: string) {
    super(`invalid config (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` + problems.map((p) => '  ' + formatProblem(p, file)).join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
    this.file = file;
  }
}
