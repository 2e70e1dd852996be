// The Gemini client wire in the shape the pipeline's ClientWire expects (errors, translated
// responses, translated streams). Surfaces may not import the pipeline, so the shape is matched
// structurally; the pipeline's clientWire() picks this for `gemini-generate` requests.
import type { ChatResponse } from '../../core/chat.js';
import type { GatewayError } from '../../core/errors.js';
import { encodeGenerateContentResponse } from './encode-response.js';
import { GeminiChunkEncoder } from './encode-stream.js';
import { geminiClientStatus, geminiErrorBody } from './errors.js';

export const GEMINI_CLIENT_WIRE = {
  errorStatus: (e: GatewayError): number => geminiClientStatus(e),
  errorBody: (e: GatewayError, requestId: string): string => geminiErrorBody(e, requestId),
  encodeResponse: (res: ChatResponse, clientModel: string): string => encodeGenerateContentResponse(res, { model: clientModel }),
  // Gemini streams always carry usage: includeUsage changes nothing here.
  streamEncoder: (o: { includeUsage: boolean; requestId: string; clientModel: string }): GeminiChunkEncoder =>
    new GeminiChunkEncoder({ requestId: o.requestId, model: o.clientModel }),
};
