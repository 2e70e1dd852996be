// The `tollgate` command as users run it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConfig } from '../helpers/harness.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function tollgate(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function writeTemp(text: string): string {
  const p = join(mkdtempSync(join(tmpdir(), 'tollgate-cli-')), 'config.yaml');
  writeFileSync(p, text);
  return p;
}

test('config check accepts the quickstart config', () => {
  const r = tollgate(['config', 'check', 'examples/quickstart.yaml']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /OK/);
});

test('config check prints every problem with path, expected and actual, and exits non-zero', () => {
  const p = writeTemp(defaultConfig('http://127.0.0.1:9').replace('type: openai-compatible', 'type: openai-compat') + 'colour: blue\n');
  const r = tollgate(['config', 'check', p]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /2 problem\(s\)/);
  assert.match(r.stderr, /config\.yaml:\d+:\d+ providers\.sim\.type: not an allowed value; expected one of "openai" \| "azure" \| "openai-compatible" \| "anthropic" \| "gemini" \| "vertex" \| "bedrock" \| "cohere" \| "mistral"; got "openai-compat"/);
  assert.match(r.stderr, /colour: unknown key/);
});

test('config check on a missing file says so', () => {
  const r = tollgate(['config', 'check', '/nonexistent/tollgate.yaml']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cannot read file/);
});

test('M9: several workers with process-local state are refused at start', () => {
  const p = writeTemp(defaultConfig('http://127.0.0.1:9'));
  const r = tollgate(['start', '--config', p, '--workers', '2']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /refusing --workers 2 with state.url memory:\/\//);
});

test('unknown commands and bad flags are usage errors', () => {
  assert.equal(tollgate(['frobnicate']).status, 2);
  assert.equal(tollgate(['start', '--config', 'x.yaml', '--port', 'http']).status, 2);
});
