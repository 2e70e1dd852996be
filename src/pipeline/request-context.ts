// What one inference request carries through the pipeline: its context (read-only) and the facts
// gathered while its response is produced (Track, the only mutable part).
import type { IncomingHttpHeaders } from 'node:http';
import type { ChatRequest, EmbeddingsRequest, Wire } from '../core/chat.js';
import type { Principal } from '../core/principal.js';
import type { Usage } from '../core/usage.js';
import type { RuntimeConfig } from '../config/runtime.js';
import type { Receipt } from './receipt.js';
import type { ResponseSink } from './response-sink.js';

export interface RequestContext {
  readonly requestId: string;
  /** The client's wire (from the surface): errors and translated answers are written in it. */
  readonly wire: Wire;
  /** performance.now() when the request arrived. */
  readonly receivedAt: number;
  readonly route: string;
  readonly config: RuntimeConfig;
  readonly principal: Principal;
  readonly clientHeaders: IncomingHttpHeaders;
  readonly sink: ResponseSink;
}

/** Mutable per-request facts gathered while the response is produced. */
export interface Track {
  usage: Usage | null;
  ttftMs: number | undefined;
  upstreamStatus: number | undefined;
  code: string | undefined;
  /** Stream chunks that carried output: the output estimate when a stream ends without usage. */
  outputChunks: number;
  receipt: Receipt;
}

export type RequestKind = { readonly kind: 'chat'; readonly req: ChatRequest } | { readonly kind: 'embeddings'; readonly req: EmbeddingsRequest };
