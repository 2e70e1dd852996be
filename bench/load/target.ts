// Where a scenario sends its requests — the simulator directly (the baseline) or the gateway in
// front of it — and the exact bytes it sends, built once so every request costs the same.
import { BENCH_KEY, GATEWAY_MODEL, UPSTREAM_MODEL } from './processes.js';

export type TargetName = 'direct' | 'gateway';

export interface Target {
  readonly name: TargetName;
  readonly origin: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly stream: boolean;
}

export function chatTarget(name: TargetName, origin: string, stream: boolean): Target {
  const model = name === 'gateway' ? GATEWAY_MODEL : UPSTREAM_MODEL;
  const body = Buffer.from(JSON.stringify({ model, messages: [{ role: 'user', content: 'Say hello' }], ...(stream ? { stream: true } : {}) }));
  return {
    name,
    origin,
    path: '/v1/chat/completions',
    // The same headers both ways; the simulator ignores the key.
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}`, 'content-length': String(body.length) },
    body,
    stream,
  };
}
