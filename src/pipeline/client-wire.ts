// The client's wire, chosen by the surface a request came in on: how errors, translated responses
// and translated streams are written back. Same-wire relays write the provider's own bytes instead.
import type { ChatRequest, ChatResponse, Wire } from '../core/chat.js';
import type { GatewayError } from '../core/errors.js';
import type { StreamEvent } from '../core/stream-event.js';
import { anthropicErrorBody, anthropicStreamErrorFrame } from '../surfaces/anthropic-messages/errors.js';
import { encodeAnthropicMessage } from '../surfaces/anthropic-messages/encode-response.js';
import { AnthropicMessageEncoder } from '../surfaces/anthropic-messages/encode-stream.js';
import { geminiStreamErrorFrame } from '../surfaces/gemini-generate/errors.js';
import { GEMINI_CLIENT_WIRE } from '../surfaces/gemini-generate/wire.js';
import { openAiClientStatus } from '../surfaces/openai-chat/client-status.js';
import { encodeChatCompletion } from '../surfaces/openai-chat/encode-response.js';
import { OpenAiChunkEncoder } from '../surfaces/openai-chat/encode-stream.js';
import { openAiErrorBody, openAiStreamErrorFrame } from '../surfaces/openai-chat/errors.js';
import { RESPONSES_CLIENT_WIRE } from '../surfaces/openai-responses/wire.js';

export interface StreamEncoder {
  push(ev: StreamEvent): string;
  end(): string;
  fail(err: GatewayError): string;
  readonly closed: boolean;
}

export interface EncodeResponseContext {
  readonly clientModel: string;
  readonly requestId: string;
  readonly request?: ChatRequest;
}

/** The answer with an id and a model when the provider's wire gave none: the client's wire needs both. */
function identified(res: ChatResponse, id: string, model: string): ChatResponse {
  return res.id !== '' && res.model !== '' ? res : { ...res, id: res.id || id, model: res.model || model };
}

export interface ClientWire {
  errorStatus(e: GatewayError): number;
  errorBody(e: GatewayError, requestId: string): string;
  /**
   * A translated answer in the client's wire. `requestId` stands in for the id of answers whose wire
   * has none (Bedrock, Cohere); `request` is for wires whose answer repeats it (a Responses
   * `response` echoes tools, temperature…).
   */
  encodeResponse(res: ChatResponse, o: EncodeResponseContext): string;
  streamEncoder(o: { includeUsage: boolean; requestId: string; clientModel: string; request?: ChatRequest }): StreamEncoder;
  /** The error event that ends a same-wire relayed stream which failed after bytes were sent. */
  streamErrorFrame(e: GatewayError, requestId: string): string;
}

const OPENAI: ClientWire = {
  errorStatus: openAiClientStatus,
  errorBody: openAiErrorBody,
  // The provider's own model name where it gave one (as same-wire relays show it), else the client's.
  encodeResponse: (res, o) => encodeChatCompletion(identified(res, `chatcmpl-${o.requestId}`, o.clientModel)),
  streamEncoder: (o) => new OpenAiChunkEncoder({ includeUsage: o.includeUsage, requestId: o.requestId, defaultModel: o.clientModel }),
  streamErrorFrame: openAiStreamErrorFrame,
};

const ANTHROPIC: ClientWire = {
  // Anthropic clients understand 529 (overloaded) natively: statuses pass through.
  errorStatus: (e) => e.status,
  errorBody: anthropicErrorBody,
  encodeResponse: (res, o) => encodeAnthropicMessage(identified(res, `msg_${o.requestId}`, o.clientModel), { model: o.clientModel }),
  streamEncoder: (o) => new AnthropicMessageEncoder({ requestId: o.requestId, model: o.clientModel }),
  streamErrorFrame: anthropicStreamErrorFrame,
};

const GEMINI: ClientWire = {
  ...GEMINI_CLIENT_WIRE,
  encodeResponse: (res, o) => GEMINI_CLIENT_WIRE.encodeResponse(identified(res, `resp_${o.requestId}`, o.clientModel), o.clientModel),
  streamErrorFrame: geminiStreamErrorFrame,
};

// Every Responses request is translated (no provider relays this wire): errors are OpenAI's bodies,
// answers and streams the Responses encoders', with the request echoed as the spec's Response does.
const RESPONSES: ClientWire = {
  ...RESPONSES_CLIENT_WIRE,
  encodeResponse: (res, o) => RESPONSES_CLIENT_WIRE.encodeResponse(identified(res, o.requestId, o.clientModel), o.clientModel, o.request),
};

export function clientWire(wire: Wire): ClientWire {
  switch (wire) {
    case 'anthropic-messages':
      return ANTHROPIC;
    case 'gemini-generate':
      return GEMINI;
    case 'openai-responses':
      return RESPONSES;
    default:
      return OPENAI;
  }
}
