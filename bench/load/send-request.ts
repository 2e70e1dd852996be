// One request over an undici Pool through the raw dispatch API (no body streams or promises per
// request, so the generator spends as little CPU as possible), checking the response is complete:
// status 200 and, for a stream, the terminal `data: [DONE]` frame; for JSON, a closing brace.
import type { Dispatcher, Pool } from 'undici';
import type { Target } from './target.js';

/** `failure` is undefined on success, else a short reason such as "status 502" or "incomplete stream". */
export type Done = (failure: string | undefined, firstByteAt: number, endAt: number) => void;

const DONE_FRAME = Buffer.from('data: [DONE]\n\n');
const CLOSE_BRACE = 0x7d;

function endsWithDone(last: Buffer | undefined, prev: Buffer | undefined): boolean {
  if (last === undefined) return false;
  const tail = last.length >= DONE_FRAME.length || prev === undefined ? last : Buffer.concat([prev, last]);
  return tail.length >= DONE_FRAME.length && tail.subarray(tail.length - DONE_FRAME.length).equals(DONE_FRAME);
}

function endsWithBrace(last: Buffer | undefined): boolean {
  if (last === undefined) return false;
  for (let i = last.length - 1; i >= 0; i--) {
    const b = last[i] as number;
    if (b === 0x20 || b === 0x0a || b === 0x0d) continue;
    return b === CLOSE_BRACE;
  }
  return false;
}

export function sendRequest(pool: Pool, target: Target, done: Done): void {
  let status = 0;
  let firstByteAt = NaN;
  let last: Buffer | undefined;
  let prev: Buffer | undefined;
  const handler: Dispatcher.DispatchHandler = {
    // Its presence selects undici's current handler API (the controller-based callbacks below).
    onRequestStart() {},
    onResponseStart(_controller, statusCode) {
      status = statusCode;
    },
    onResponseData(_controller, chunk) {
      if (prev === undefined && last === undefined) firstByteAt = performance.now();
      prev = last;
      last = chunk;
    },
    onResponseEnd() {
      const endAt = performance.now();
      if (status !== 200) return done(`status ${status}`, firstByteAt, endAt);
      const complete = target.stream ? endsWithDone(last, prev) : endsWithBrace(last);
      done(complete ? undefined : target.stream ? 'incomplete stream' : 'incomplete body', firstByteAt, endAt);
    },
    onResponseError(_controller, err) {
      const code = (err as { code?: unknown }).code;
      done(`error ${typeof code === 'string' ? code : err.name}`, firstByteAt, performance.now());
    },
  };
  pool.dispatch({ method: 'POST', path: target.path, headers: target.headers, body: target.body }, handler);
}
