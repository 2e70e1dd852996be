// OpenAI-shaped error bodies ({"error":{message,type,param,code}}) → UpstreamError, with the
// retry rules of the reference: 408/409/429/5xx retry, except quota exhaustion; Retry-After read
// from retry-after-ms, then retry-after (seconds or HTTP date).
import { UpstreamError } from '../../core/errors.js';
import type { ErrorContext } from '../types.js';

const NOT_RETRYABLE_CODES = new Set(['insufficient_quota', 'billing_hard_limit_reached', 'content_filter']);

export function mapOpenAiError(ctx: ErrorContext, providerLabel: string): UpstreamError {
  let message = `${providerLabel} returned HTTP ${ctx.status}`;
  let type: string | undefined;
  let code: string | null = null;
  let param: string | null = null;
  try {
    const body = JSON.parse(ctx.body) as { error?: { message?: unknown; type?: unknown; code?: unknown; param?: unknown }; message?: unknown };
    const e = body.error ?? body;
    if (typeof e.message === 'string' && e.message) message = e.message;
    if ('type' in e && typeof e.type === 'string') type = e.type;
    if ('code' in e && (typeof e.code === 'string' || typeof e.code === 'number')) code = String(e.code);
    if ('param' in e && typeof e.param === 'string') param = e.param;
  } catch {
    if (ctx.body.trim()) message = `${message}: ${ctx.body.trim().slice(0, 200)}`;
  }
  const s = ctx.status;
  const retryable = (s === 408 || s === 409 || s === 429 || s >= 500) && !(code !== null && NOT_RETRYABLE_CODES.has(code));
  return new UpstreamError({
    status: s,
    message,
    upstreamCode: code,
    type,
    param,
    retryable,
    retryAfterSeconds: retryAfterSeconds(ctx.headers, ctx.now),
  });
}

export function retryAfterSeconds(headers: ErrorContext['headers'], now: number): number | undefined {
  const ms = first(headers['retry-after-ms']);
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms)) return Math.ceil(Number(ms) / 1000);
  const ra = first(headers['retry-after']);
  if (ra === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(ra.trim())) return Math.ceil(Number(ra));
  const at = Date.parse(ra);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
