// Starts a real simulator and a real gateway on free ports, with a config written to a temp file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { startMock } from '../../src/mock/server.js';
import { startGateway, type RunningGateway } from '../../src/main.js';

export const KEY = 'sk-test-key-0123456789abcdef';
export const ADMIN_KEY = 'admin-key-0123456789abcdef';

export interface Harness {
  readonly gateway: RunningGateway;
  readonly mockUrl: string;
  readonly configPath: string;
  readonly logs: Array<Record<string, unknown>>;
  /** Raw log text, for "never logged" checks. */
  logText(): string;
  writeConfig(yaml: string): void;
  close(): Promise<void>;
}

/** Default config: one chat group and one embeddings group on the simulator. `extra` is appended. */
export function defaultConfig(mockUrl: string, extra = '', spoolDir = mkdtempSync(join(tmpdir(), 'tollgate-spool-'))): string {
  return `
governance:
  spool_path: ${join(spoolDir, 'ledger-spool.jsonl')}
server:
  port: 0
  host: 127.0.0.1
  admin_key: ${ADMIN_KEY}
  body_limit: 64kb
  shutdown_grace: 10s
  watch_config: false
storage:
  url: "sqlite::memory:"
providers:
  sim:
    type: openai-compatible
    base_url: ${mockUrl}/v1
    forward_headers: [x-mock-*]
    # Tests script many failures in a row; breakers have their own test.
    breaker: { failures: 1000 }
  az:
    type: azure
    base_url: ${mockUrl}
    api_key: azure-secret-key
    api_version: "2024-10-21"
    forward_headers: [x-mock-*]
models:
  chat:
    deployments: [ { provider: sim, model: sim-model-1 } ]
  azure-chat:
    deployments: [ { provider: az, model: my-gpt4o-deployment } ]
  embed:
    kind: embeddings
    deployments: [ { provider: sim, model: sim-embed-1 } ]
  azure-embed:
    kind: embeddings
    deployments: [ { provider: az, model: my-embed-deployment } ]
keys:
  - { name: test, key: ${KEY} }
  - { name: chat-only, key: sk-chat-only-0123456789abcdef, models: [chat] }
  - { name: expired, key: sk-expired-0123456789abcdef, expires_at: "2020-01-01T00:00:00Z" }
${extra}`;
}

export async function startHarness(opts: { config?: (mockUrl: string) => string } = {}): Promise<Harness> {
  const mock = await startMock({ port: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-test-'));
  const configPath = join(dir, 'config.yaml');
  const write = (yaml: string) => writeFileSync(configPath, yaml);
  write((opts.config ?? defaultConfig)(mock.url));
  const logs: Array<Record<string, unknown>> = [];
  let text = '';
  const dest = new Writable({
    write(chunk: Buffer, _enc, cb) {
      const s = chunk.toString();
      text += s;
      for (const line of s.split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  const logger = pino({ level: 'info' }, dest);
  let gateway: RunningGateway;
  try {
    gateway = await startGateway({ configPath, logger, env: { ...process.env, TOLLGATE_ADMIN_KEY: '' } });
  } catch (err) {
    await mock.close();
    throw err;
  }
  return {
    gateway,
    mockUrl: mock.url,
    configPath,
    logs,
    logText: () => text,
    writeConfig: write,
    async close() {
      await gateway.stop();
      await mock.close();
    },
  };
}

/** Reads a whole SSE response as raw text. */
export async function readRaw(res: Response): Promise<string> {
  return await res.text();
}

export function authHeaders(key = KEY): Record<string, string> {
  return { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
}
