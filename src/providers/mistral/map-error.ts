// Mistral error bodies → UpstreamError (providers.md §8, §13). Shapes seen on the wire:
// `{"object":"error","message":"…","type","param","code"}`; on a 422, `message` is an object
// `{"detail":[{type, loc, msg, input}]}` (pydantic validation: e.g. `extra_forbidden` for a field
// Mistral does not take); from the edge, `{"message":"Unauthorized","request_id"}`. Retryable: 408,
// 409, 429 and 5xx — except quota or billing exhaustion, which no retry fixes.
import { UpstreamError } from '../../core/errors.js';
import { retryAfterSeconds } from '../openai/map-error.js';
import type { ErrorContext } from '../types.js';
import { obj } from '../shared/json-fields.js';

const EXHAUSTED = /quota|billing|credit|payment|subscription/i;

export interface MistralErrorFields {
  readonly message: string | null;
  readonly type: string | null;
  readonly code: string | null;
  readonly param: string | null;
}

/** `detail[0]` of a validation error, as "body.messages.0.user.name: Extra inputs are not permitted". */
function detailMessage(detail: unknown): string | null {
  if (!Array.isArray(detail) || detail.length === 0) return null;
  const d = obj(detail[0]) ?? {};
  const loc = Array.isArray(d['loc']) ? (d['loc'] as unknown[]).map(String).join('.') : '';
  const msg = typeof d['msg'] === 'string' ? d['msg'] : JSON.stringify(d);
  const more = detail.length > 1 ? ` (and ${detail.length - 1} more)` : '';
  return `${loc !== '' ? `${loc}: ` : ''}${msg}${more}`;
}

/** The fields of an error body (or a mid-stream error chunk); nulls where absent. */
export function readErrorFields(body: unknown): MistralErrorFields {
  const o = obj(body) ?? {};
  const e = obj(o['error']) ?? o;
  const m = e['message'];
  const message = typeof m === 'string' && m !== '' ? m : (detailMessage(obj(m)?.['detail']) ?? detailMessage(e['detail']));
  const code = e['code'];
  return {
    message,
    type: typeof e['type'] === 'string' ? e['type'] : null,
    code: typeof code === 'string' || typeof code === 'number' ? String(code) : null,
    param: typeof e['param'] === 'string' ? e['param'] : null,
  };
}

export function isRetryable(status: number, f: MistralErrorFields): boolean {
  if (f.message !== null && EXHAUSTED.test(f.message)) return false;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

export function mapMistralError(ctx: ErrorContext): UpstreamError {
  let f: MistralErrorFields = { message: null, type: null, code: null, param: null };
  let fallback = `Mistral returned HTTP ${ctx.status}`;
  try {
    f = readErrorFields(JSON.parse(ctx.body));
  } catch {
    if (ctx.body.trim()) fallback = `${fallback}: ${ctx.body.trim().slice(0, 200)}`;
  }
  return new UpstreamError({
    status: ctx.status,
    message: f.message ?? fallback,
    upstreamCode: f.code ?? f.type,
    type: f.type ?? undefined,
    param: f.param,
    retryable: isRetryable(ctx.status, f),
    retryAfterSeconds: retryAfterSeconds(ctx.headers, ctx.now),
  });
}
