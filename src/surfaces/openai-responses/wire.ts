// The Responses client wire in the shape the pipeline's ClientWire expects (errors, translated
// responses, translated streams). Surfaces may not import the pipeline, so the shape is matched
// structurally. A Response repeats its request (tools, tool_choice, temperature…): the optional
// `request` argument carries it; without it the spec's defaults are shown.
import type { ChatRequest, ChatResponse } from '../../core/chat.js';
import type { GatewayError } from '../../core/errors.js';
import { openAiClientStatus } from '../openai-chat/client-status.js';
import { openAiErrorBody } from '../openai-chat/errors.js';
import { encodeResponsesResponse } from './encode-response.js';
import { ResponsesStreamEncoder } from './encode-stream.js';
import { errorEventFrame } from './errors.js';

export const RESPONSES_CLIENT_WIRE = {
  // Error bodies and statuses are OpenAI's, as on Chat Completions (529 shown as 503).
  errorStatus: (e: GatewayError): number => openAiClientStatus(e),
  errorBody: (e: GatewayError, requestId: string): string => openAiErrorBody(e, requestId),
  encodeResponse: (res: ChatResponse, clientModel: string, request?: ChatRequest): string =>
    encodeResponsesResponse(res, { model: clientModel, ...(request !== undefined ? { request } : {}) }),
  // Responses streams always end with usage: includeUsage changes nothing here.
  streamEncoder: (o: { includeUsage: boolean; requestId: string; clientModel: string; request?: ChatRequest }): ResponsesStreamEncoder =>
    new ResponsesStreamEncoder({ requestId: o.requestId, model: o.clientModel, ...(o.request !== undefined ? { request: o.request } : {}) }),
  /**
   * The error event that ends a same-wire relayed stream. No provider relays this wire today (every
   * Responses request is translated); the upstream's sequence numbers are not tracked, so it says 0.
   */
  streamErrorFrame: (e: GatewayError, requestId: string): string => errorEventFrame(e, requestId, 0),
};
