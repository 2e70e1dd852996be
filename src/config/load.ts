// Reads a YAML config file: parse → ${ENV} interpolation → schema validation → compile. Every
// problem is collected (not just the first) with its path, expected and actual value, and line.
import { readFileSync } from 'node:fs';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { interpolateEnv, type EnvProblem } from './env-interpolate.js';
import { configSchema, NOT_YET_SUPPORTED, type Config } from './schema.js';
import { ConfigError, type ConfigProblem } from './problems.js';
import { compile } from './compile.js';
import type { RuntimeConfig } from './runtime.js';

export interface LoadOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly generation?: number;
}

/** Loads and compiles; throws ConfigError listing every problem. */
export function loadConfigFile(path: string, opts: LoadOptions = {}): RuntimeConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError([{ path: '', message: `cannot read file: ${(err as Error).message}` }], path);
  }
  return loadConfigText(text, { ...opts, sourcePath: path });
}

export function loadConfigText(text: string, opts: LoadOptions & { sourcePath?: string } = {}): RuntimeConfig {
  const file = opts.sourcePath;
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter: lines });
  const at = (path: readonly (string | number)[]) => locate(doc, lines, path);
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return { path: '', message: `YAML syntax: ${e.message.split('\n')[0]}`, line: pos.line, column: pos.col };
      }),
      file,
    );
  }
  const raw: unknown = doc.toJS() ?? {};
  const envProblems: EnvProblem[] = [];
  const interpolated = interpolateEnv(raw, opts.env ?? process.env, envProblems);
  const problems: ConfigProblem[] = envProblems.map((p) => ({
    ...at(p.path),
    path: p.path.join('.'),
    message: `environment variable ${p.variable} is not set (use \${${p.variable}:-default} for a default)`,
  }));

  if (interpolated !== null && typeof interpolated === 'object' && !Array.isArray(interpolated)) {
    for (const [section, why] of Object.entries(NOT_YET_SUPPORTED)) {
      if (section in interpolated) {
        problems.push({ ...at([section]), path: section, message: `not supported by this version: ${why}` });
        delete (interpolated as Record<string, unknown>)[section];
      }
    }
  } else {
    problems.push({ path: '', message: 'the config must be a mapping', expected: 'a YAML mapping', actual: describe(interpolated) });
  }

  const parsed = configSchema.safeParse(interpolated);
  if (!parsed.success) problems.push(...parsed.error.issues.flatMap((i) => issueToProblems(i, interpolated, at)));
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems, file);

  const data = parsed.data as Config;
  const envAdmin = (opts.env ?? process.env)['TOLLGATE_ADMIN_KEY'];
  if (!data.server.admin_key && envAdmin) {
    if (envAdmin.length < 16) throw new ConfigError([{ path: 'server.admin_key', message: 'TOLLGATE_ADMIN_KEY must be at least 16 characters' }], file);
    data.server.admin_key = envAdmin;
  }
  const compiled = compile(data, { generation: opts.generation ?? 1, sourcePath: file });
  if (!compiled.ok) throw new ConfigError(compiled.problems.map((p) => ({ ...at(p.path.split('.')), ...p })), file);
  return compiled.config;
}

function issueToProblems(
  issue: z.core.$ZodIssue,
  input: unknown,
  at: (path: readonly (string | number)[]) => { line?: number; column?: number },
): ConfigProblem[] {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => ({
      ...at([...path, k]),
      path: [...path, k].join('.'),
      message: 'unknown key',
      expected: `one of the documented keys${path.length ? ` of ${path.join('.')}` : ''}`,
      actual: JSON.stringify(k),
    }));
  }
  const actualValue = valueAt(input, path);
  let expected: string | undefined;
  let message = issue.message;
  if (issue.code === 'invalid_type') {
    expected = issue.expected;
    message = actualValue === undefined ? 'required' : 'wrong type';
  } else if (issue.code === 'invalid_value') {
    expected = `one of ${issue.values.map((v) => JSON.stringify(v)).join(' | ')}`;
    message = 'not an allowed value';
  } else if (issue.code === 'invalid_union' && 'options' in issue) {
    expected = `one of ${(issue.options as unknown[]).map((v) => JSON.stringify(v)).join(' | ')}`;
    message = 'not an allowed value';
  }
  return [{ ...at(path), path: path.join('.'), message, expected, actual: actualValue === undefined ? 'nothing' : describe(actualValue) }];
}

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let cur = root;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

function describe(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 80 ? s.slice(0, 77) + '...' : s;
}

/** Line and column of the deepest node of `path` that exists in the YAML document. */
function locate(doc: Document, lines: LineCounter, path: readonly (string | number)[]): { line?: number; column?: number } {
  let node: unknown = doc.contents;
  let range: [number, number, number] | undefined = (node as { range?: [number, number, number] } | null)?.range;
  for (const p of path) {
    if (isMap(node)) {
      const pair = node.items.find((it) => String((it.key as { value?: unknown } | null)?.value ?? it.key) === String(p));
      if (!pair) break;
      range = (pair.key as { range?: [number, number, number] }).range ?? range;
      node = pair.value;
    } else if (isSeq(node) && /^\d+$/.test(String(p))) {
      const item = node.items[Number(p)];
      if (item === undefined) break;
      range = (item as { range?: [number, number, number] }).range ?? range;
      node = item;
    } else break;
  }
  if (!range) return {};
  const pos = lines.linePos(range[0]);
  return { line: pos.line, column: pos.col };
}
