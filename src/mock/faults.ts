// Faults a test scripts for a request: by x-mock-* headers on the request itself, or by rules posted
// to /_mock/faults (see fault-book.ts). Header values win field by field. A malformed fault is a 400,
// never silently ignored: a test that thinks it injected a 429 must not pass because nothing happened.

import type { IncomingHttpHeaders } from 'node:http';
import { InvalidRequestError } from '../core/errors.js';
import { isRecord } from './json-shape.js';

export interface LatencyRange {
  readonly min: number;
  readonly max: number;
}

export interface Faults {
  latencyMs?: LatencyRange;
  status?: number;
  /** Copied verbatim to `retry-after` (seconds or an HTTP date). */
  retryAfter?: string;
  retryAfterMs?: number;
  cutAfter?: number;
  errorAfter?: number;
  /** Stream: N content chunks, then silence with the connection held open (a hung upstream). */
  stallAfter?: number;
  chunkDelayMs?: number;
  toolCalls?: number;
  outputTokens?: number;
  cachedTokens?: number;
  reasoningTokens?: number;
  echo?: boolean;
  /** Cached tokens come from the simulated per-deployment prefix cache (prefix-cache.ts). */
  prefixCache?: boolean;
}

export const NO_FAULTS: Readonly<Faults> = Object.freeze({});

/** The x-mock-* request headers, in one place because other code (tests, benchmarks) depends on them. */
export const FAULT_HEADERS = Object.freeze({
  latencyMs: 'x-mock-latency-ms',
  status: 'x-mock-status',
  retryAfter: 'x-mock-retry-after',
  retryAfterMs: 'x-mock-retry-after-ms',
  cutAfter: 'x-mock-cut-after',
  errorAfter: 'x-mock-error-after',
  stallAfter: 'x-mock-stall-after',
  chunkDelayMs: 'x-mock-chunk-delay-ms',
  toolCalls: 'x-mock-tool-calls',
  outputTokens: 'x-mock-output-tokens',
  cachedTokens: 'x-mock-cached-tokens',
  reasoningTokens: 'x-mock-reasoning-tokens',
  echo: 'x-mock-echo',
  prefixCache: 'x-mock-prefix-cache',
  barrier: 'x-mock-barrier',
  barrierId: 'x-mock-barrier-id',
  barrierTimeoutMs: 'x-mock-barrier-timeout-ms',
} as const);

export class MockFaultError extends InvalidRequestError {
  constructor(where: string, got: unknown, expected: string) {
    super(`tollgate mock: ${where} must be ${expected}, got ${JSON.stringify(got)}`, where, 'invalid_mock_fault');
  }
}

const MAX_INT = 1_000_000_000;

function parseCount(where: string, raw: unknown): number {
  const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_INT) {
    throw new MockFaultError(where, raw, 'a non-negative integer');
  }
  return n;
}

function parseStatus(where: string, raw: unknown): number {
  const n = parseCount(where, raw);
  if (n < 100 || n > 599) throw new MockFaultError(where, raw, 'an HTTP status (100-599)');
  return n;
}

/** `50` or `20-80` (uniform between the bounds, inclusive). */
function parseLatency(where: string, raw: unknown): LatencyRange {
  if (typeof raw === 'string') {
    const dash = raw.indexOf('-', 1);
    if (dash !== -1) {
      const min = parseCount(where, raw.slice(0, dash));
      const max = parseCount(where, raw.slice(dash + 1));
      if (max < min) throw new MockFaultError(where, raw, "'MIN-MAX' with MIN <= MAX");
      return { min, max };
    }
  }
  const ms = parseCount(where, raw);
  return { min: ms, max: ms };
}

function parseRetryAfter(where: string, raw: unknown): string {
  if (typeof raw === 'number' && Number.isFinite(raw) && raw >= 0) return String(raw);
  if (typeof raw === 'string' && raw.trim() !== '') return raw.trim();
  throw new MockFaultError(where, raw, 'seconds or an HTTP date');
}

function parseFlag(where: string, raw: unknown): boolean {
  if (raw === true || raw === 1 || raw === '1' || raw === 'true') return true;
  if (raw === false || raw === 0 || raw === '0' || raw === 'false') return false;
  throw new MockFaultError(where, raw, 'a boolean (1/0/true/false)');
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/** Faults scripted by this request's own headers; undefined when it has none (the common, fast case). */
export function headerFaults(headers: IncomingHttpHeaders): Faults | undefined {
  let f: Faults | undefined;
  const H = FAULT_HEADERS;
  let v = header(headers, H.latencyMs);
  if (v !== undefined) (f ??= {}).latencyMs = parseLatency(H.latencyMs, v);
  if ((v = header(headers, H.status)) !== undefined) (f ??= {}).status = parseStatus(H.status, v);
  if ((v = header(headers, H.retryAfter)) !== undefined) (f ??= {}).retryAfter = parseRetryAfter(H.retryAfter, v);
  if ((v = header(headers, H.retryAfterMs)) !== undefined) (f ??= {}).retryAfterMs = parseCount(H.retryAfterMs, v);
  if ((v = header(headers, H.cutAfter)) !== undefined) (f ??= {}).cutAfter = parseCount(H.cutAfter, v);
  if ((v = header(headers, H.errorAfter)) !== undefined) (f ??= {}).errorAfter = parseCount(H.errorAfter, v);
  if ((v = header(headers, H.stallAfter)) !== undefined) (f ??= {}).stallAfter = parseCount(H.stallAfter, v);
  if ((v = header(headers, H.chunkDelayMs)) !== undefined) (f ??= {}).chunkDelayMs = parseCount(H.chunkDelayMs, v);
  if ((v = header(headers, H.toolCalls)) !== undefined) (f ??= {}).toolCalls = parseCount(H.toolCalls, v);
  if ((v = header(headers, H.outputTokens)) !== undefined) (f ??= {}).outputTokens = parseCount(H.outputTokens, v);
  if ((v = header(headers, H.cachedTokens)) !== undefined) (f ??= {}).cachedTokens = parseCount(H.cachedTokens, v);
  if ((v = header(headers, H.reasoningTokens)) !== undefined) {
    (f ??= {}).reasoningTokens = parseCount(H.reasoningTokens, v);
  }
  if ((v = header(headers, H.echo)) !== undefined) (f ??= {}).echo = parseFlag(H.echo, v);
  if ((v = header(headers, H.prefixCache)) !== undefined) (f ??= {}).prefixCache = parseFlag(H.prefixCache, v);
  return f;
}

/** The `faults` object of a POST /_mock/faults body (snake_case keys; unknown keys are refused). */
export function controlFaults(raw: unknown): Faults {
  if (!isRecord(raw)) throw new MockFaultError('faults', raw, 'an object');
  const f: Faults = {};
  for (const [key, v] of Object.entries(raw)) {
    const where = `faults.${key}`;
    switch (key) {
      case 'latency_ms': f.latencyMs = parseLatency(where, v); break;
      case 'status': f.status = parseStatus(where, v); break;
      case 'retry_after': f.retryAfter = parseRetryAfter(where, v); break;
      case 'retry_after_ms': f.retryAfterMs = parseCount(where, v); break;
      case 'cut_after': f.cutAfter = parseCount(where, v); break;
      case 'error_after': f.errorAfter = parseCount(where, v); break;
      case 'stall_after': f.stallAfter = parseCount(where, v); break;
      case 'chunk_delay_ms': f.chunkDelayMs = parseCount(where, v); break;
      case 'tool_calls': f.toolCalls = parseCount(where, v); break;
      case 'output_tokens': f.outputTokens = parseCount(where, v); break;
      case 'cached_tokens': f.cachedTokens = parseCount(where, v); break;
      case 'reasoning_tokens': f.reasoningTokens = parseCount(where, v); break;
      case 'echo': f.echo = parseFlag(where, v); break;
      case 'prefix_cache': f.prefixCache = parseFlag(where, v); break;
      default: throw new MockFaultError(where, v, 'absent (unknown fault)');
    }
  }
  return f;
}

/** The snake_case form, for listing rules back to tests. */
export function faultsToJson(f: Faults): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  if (f.latencyMs) out.latency_ms = f.latencyMs.min === f.latencyMs.max ? f.latencyMs.min : `${f.latencyMs.min}-${f.latencyMs.max}`;
  if (f.status !== undefined) out.status = f.status;
  if (f.retryAfter !== undefined) out.retry_after = f.retryAfter;
  if (f.retryAfterMs !== undefined) out.retry_after_ms = f.retryAfterMs;
  if (f.cutAfter !== undefined) out.cut_after = f.cutAfter;
  if (f.errorAfter !== undefined) out.error_after = f.errorAfter;
  if (f.stallAfter !== undefined) out.stall_after = f.stallAfter;
  if (f.chunkDelayMs !== undefined) out.chunk_delay_ms = f.chunkDelayMs;
  if (f.toolCalls !== undefined) out.tool_calls = f.toolCalls;
  if (f.outputTokens !== undefined) out.output_tokens = f.outputTokens;
  if (f.cachedTokens !== undefined) out.cached_tokens = f.cachedTokens;
  if (f.reasoningTokens !== undefined) out.reasoning_tokens = f.reasoningTokens;
  if (f.echo !== undefined) out.echo = f.echo;
  if (f.prefixCache !== undefined) out.prefix_cache = f.prefixCache;
  return out;
}

/** Later wins field by field; either side may be absent. */
export function mergeFaults(base: Faults | undefined, over: Faults | undefined): Faults | undefined {
  if (base === undefined) return over;
  if (over === undefined) return base;
  return { ...base, ...over };
}

export interface BarrierRequest {
  readonly id: string;
  readonly size: number;
  readonly timeoutMs: number | undefined;
}

/** `x-mock-barrier: K` (+ optional id and timeout); undefined when the request has no barrier. */
export function headerBarrier(headers: IncomingHttpHeaders): BarrierRequest | undefined {
  const H = FAULT_HEADERS;
  const size = header(headers, H.barrier);
  if (size === undefined) return undefined;
  const n = parseCount(H.barrier, size);
  if (n < 1) throw new MockFaultError(H.barrier, size, 'an integer >= 1');
  const timeout = header(headers, H.barrierTimeoutMs);
  return {
    id: header(headers, H.barrierId) ?? '',
    size: n,
    timeoutMs: timeout === undefined ? undefined : parseCount(H.barrierTimeoutMs, timeout),
  };
}

export function pickLatency(range: LatencyRange): number {
  return range.min === range.max ? range.min : range.min + Math.floor(Math.random() * (range.max - range.min + 1));
}
