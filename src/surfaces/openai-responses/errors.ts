// Errors on the Responses wire. Error bodies (before a stream starts) are OpenAI's
// {"error":{message,type,param,code}}, identical to Chat Completions: wire.ts uses openai-chat's.
// Mid-stream, the spec has two events: `response.failed` (the Response, status "failed", with an
// `error` whose code is one of the spec's few ResponseErrorCode values) and `error` (code, message,
// param). The `error` event also carries OpenAI's `error` object, because that is what the official
// SDKs look for to throw: without it they would return the half-built response as if it had
// succeeded (R6).
import type { GatewayError } from '../../core/errors.js';

/** One Responses SSE event: `event: <type>` and the data repeating its `type`. */
export function eventFrame(data: { readonly type: string } & Record<string, unknown>): string {
  return `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The Response's `error` for `response.failed`: the spec's code nearest the failure, our message. */
export function responseError(err: GatewayError): { code: string; message: string } {
  const code = err.status === 429 ? 'rate_limit_exceeded' : err.status >= 400 && err.status < 500 ? 'invalid_prompt' : 'server_error';
  return { code, message: err.message };
}

/** The spec's `error` stream event, with OpenAI's error object beside its fields. */
export function errorEventFrame(err: GatewayError, requestId: string, sequenceNumber: number): string {
  return eventFrame({
    type: 'error',
    code: err.code,
    message: err.message,
    param: err.param,
    sequence_number: sequenceNumber,
    error: { message: err.message, type: err.type, param: err.param, code: err.code, ...err.details, request_id: requestId },
  });
}
