import type { GatewayError } from '../../core/errors.js';

/** The OpenAI error shape: {"error":{message,type,param,code,…details}}. */
export function openAiErrorBody(err: GatewayError, requestId: string): string {
  return JSON.stringify({
    error: { message: err.message, type: err.type, param: err.param, code: err.code, ...err.details, request_id: requestId },
  });
}

/** A mid-stream error event in OpenAI's wire: a data frame with an error object, and no [DONE]. */
export function openAiStreamErrorFrame(err: GatewayError, requestId: string): string {
  return `data: ${openAiErrorBody(err, requestId)}\n\n`;
}
