// ${VAR} and ${VAR:-default} in string values of the parsed YAML tree. Interpolating after parsing
// (not in the raw text) means a variable's value can never inject YAML structure.

export interface EnvProblem {
  readonly path: readonly (string | number)[];
  readonly variable: string;
}

const REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const WHOLE_REF = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}$/;

/**
 * Returns a new tree with references replaced. A value that is exactly one reference whose text is
 * a number or boolean becomes that number or boolean, so `port: ${PORT:-4000}` is a number.
 */
export function interpolateEnv(
  node: unknown,
  env: Readonly<Record<string, string | undefined>>,
  problems: EnvProblem[],
  path: (string | number)[] = [],
): unknown {
  if (typeof node === 'string') {
    const whole = WHOLE_REF.exec(node);
    const replaced = node.replace(REF, (_m, name: string, fallback: string | undefined) => {
      const v = env[name];
      if (v !== undefined && (v !== '' || fallback === undefined)) return v;
      if (fallback !== undefined) return fallback;
      problems.push({ path: [...path], variable: name });
      return '';
    });
    if (whole) {
      if (/^-?\d+(\.\d+)?$/.test(replaced)) return Number(replaced);
      if (replaced === 'true' || replaced === 'false') return replaced === 'true';
    }
    return replaced;
  }
  if (Array.isArray(node)) return node.map((v, i) => interpolateEnv(v, env, problems, [...path, i]));
  if (node !== null && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = interpolateEnv(v, env, problems, [...path, k]);
    return out;
  }
  return node;
}
