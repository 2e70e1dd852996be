// Bedrock ConverseStream (providers.md §6) → canonical stream events. Bytes are AWS event-stream
// messages (binary, CRC-checked, see event-stream-framer.ts); each `:event-type` names an event whose
// payload is JSON. One instance per attempt; all state lives here.
//
// - Content-block indices count ALL blocks (text, reasoning, toolUse); our tool-call index counts tool
//   calls only: each toolUse block is numbered at its contentBlockStart and its deltas routed by the
//   block index to that number (R5).
// - The stream is complete only once messageStop AND metadata (the usage, sent after messageStop)
//   have arrived; a stream ending before either is incomplete (R6).
// - `:message-type` exception/error frames (possible after a 200) and broken framing (bad length or
//   CRC) become one `error` event, after which nothing more is emitted.
import { UpstreamError } from '../../core/errors.js';
import type { StreamEvent, StreamEventDecoder } from '../../core/stream-event.js';
import type { Usage } from '../../core/usage.js';
import type { TranslationContext } from '../types.js';
import { EventStreamFramer, headerString, type Message } from './event-stream-framer.js';
import { finishFromBedrock } from './finish-reason.js';
import { exceptionName, isRetryable, statusForException } from './map-error.js';
import { usageFromBedrock } from './usage.js';
import { type Json, obj, strOrEmpty as str } from '../shared/json-fields.js';

interface ToolBlock {
  readonly index: number;
  sawArguments: boolean;
}

function payloadJson(m: Message): Json | undefined {
  try {
    return obj(JSON.parse(new TextDecoder().decode(m.body)));
  } catch {
    return undefined;
  }
}

function protocolError(what: string, retryable = false): UpstreamError {
  return new UpstreamError({ status: 502, message: `Bedrock sent ${what}`, upstreamCode: 'protocol_error', retryable });
}

/** `:message-type: exception` (modelStreamErrorException, throttlingException…): classified as its HTTP twin. */
function exceptionError(rawName: string, payload: Json | undefined): UpstreamError {
  const name = exceptionName(rawName);
  const status = statusForException(name);
  const message = str(payload?.['message']) || null;
  return new UpstreamError({
    status,
    message: `Bedrock error mid-stream (${name}): ${message ?? 'no message'}`,
    upstreamCode: name,
    retryable: isRetryable(status, name, message),
  });
}

export class BedrockStreamDecoder implements StreamEventDecoder {
  readonly #framer = new EventStreamFramer();
  readonly #created: number;
  readonly #tools = new Map<number, ToolBlock>();
  #toolCalls = 0;
  #started = false;
  #stopped = false;
  #metadata = false;
  #failed = false;
  #usage: Usage | null = null;

  constructor(ctx: TranslationContext) {
    this.#created = Math.floor(ctx.now / 1000);
  }

  push(bytes: Uint8Array): StreamEvent[] {
    if (this.#failed || this.completed) return [];
    const { messages, error } = this.#framer.push(bytes);
    const out: StreamEvent[] = [];
    for (const m of messages) for (const e of this.decodeMessage(m)) out.push(e);
    if (error !== undefined) out.push(...this.framingError(error));
    return out;
  }

  /** The bytes stopped being a valid event stream. Public for the frame classifier. */
  framingError(detail: string): StreamEvent[] {
    if (this.#failed || this.completed) return [];
    // Corrupted framing is a transport fault: a retry elsewhere may well succeed.
    return this.#fail(protocolError(`a broken event stream (${detail})`, true));
  }

  /** A body that ended mid-message, or before messageStop and metadata, leaves `completed` false. */
  end(): StreamEvent[] {
    return [];
  }

  get completed(): boolean {
    return this.#stopped && this.#metadata;
  }

  get usage(): Usage | null {
    return this.#usage;
  }

  /** One whole event-stream message → canonical events. Public for the frame classifier. */
  decodeMessage(m: Message): StreamEvent[] {
    if (this.#failed || this.completed) return [];
    const kind = headerString(m.headers, ':message-type') ?? 'event';
    if (kind === 'exception') return this.#fail(exceptionError(headerString(m.headers, ':exception-type') ?? 'unknown', payloadJson(m)));
    if (kind === 'error') {
      const code = headerString(m.headers, ':error-code') ?? 'InternalFailure';
      return this.#fail(exceptionError(code, { message: headerString(m.headers, ':error-message') ?? '' }));
    }
    if (kind !== 'event') return [];
    const event = headerString(m.headers, ':event-type') ?? '';
    const data = payloadJson(m);
    if (data === undefined) return this.#fail(protocolError(`an unparseable '${event}' event`));
    switch (event) {
      case 'messageStart':
        if (this.#started) return [];
        this.#started = true;
        return [{ type: 'start', id: '', model: '', created: this.#created }];
      case 'contentBlockStart':
        return this.#blockStart(data['contentBlockIndex'], obj(data['start']) ?? {});
      case 'contentBlockDelta':
        return this.#blockDelta(data['contentBlockIndex'], obj(data['delta']) ?? {});
      case 'contentBlockStop':
        return this.#blockStop(data['contentBlockIndex']);
      case 'messageStop': {
        if (this.#stopped) return [];
        this.#stopped = true;
        const stop = str(data['stopReason']) || null;
        return [{ type: 'finish', choice: 0, reason: stop === null ? 'stop' : finishFromBedrock(stop), providerReason: stop }];
      }
      case 'metadata': {
        this.#metadata = true;
        const usage = usageFromBedrock(data['usage']);
        if (usage === null) return [];
        this.#usage = usage;
        return [{ type: 'usage', usage }];
      }
      default:
        return []; // future event types are not ours to fail on
    }
  }

  #fail(error: UpstreamError): StreamEvent[] {
    this.#failed = true;
    return [{ type: 'error', error }];
  }

  #blockStart(index: unknown, start: Json): StreamEvent[] {
    if (typeof index !== 'number') return this.#fail(protocolError('a contentBlockStart without a contentBlockIndex'));
    const toolUse = obj(start['toolUse']);
    if (toolUse === undefined) return []; // toolResult/image starts: not requested by this adapter
    const tool: ToolBlock = { index: this.#toolCalls++, sawArguments: false };
    this.#tools.set(index, tool);
    return [{ type: 'tool-call-start', choice: 0, index: tool.index, id: str(toolUse['toolUseId']), name: str(toolUse['name']) }];
  }

  #blockDelta(index: unknown, delta: Json): StreamEvent[] {
    if (typeof index !== 'number') return this.#fail(protocolError('a contentBlockDelta without a contentBlockIndex'));
    if (typeof delta['text'] === 'string') return delta['text'] === '' ? [] : [{ type: 'text-delta', choice: 0, text: delta['text'] }];
    const toolUse = obj(delta['toolUse']);
    if (toolUse !== undefined) {
      const tool = this.#tools.get(index);
      if (tool === undefined) return this.#fail(protocolError(`a toolUse delta for block ${index}, which never started`));
      const part = str(toolUse['input']);
      if (part === '') return [];
      tool.sawArguments = true;
      return [{ type: 'tool-call-delta', choice: 0, index: tool.index, argumentsDelta: part }];
    }
    const rc = obj(delta['reasoningContent']);
    if (rc !== undefined) {
      if (typeof rc['signature'] === 'string') return [{ type: 'reasoning-delta', choice: 0, text: '', signature: rc['signature'] }];
      if (typeof rc['redactedContent'] === 'string') return [{ type: 'reasoning-delta', choice: 0, text: '', redacted: rc['redactedContent'] }];
      const text = str(rc['text']);
      return text === '' ? [] : [{ type: 'reasoning-delta', choice: 0, text }];
    }
    return []; // citation and future delta types
  }

  #blockStop(index: unknown): StreamEvent[] {
    const tool = typeof index === 'number' ? this.#tools.get(index) : undefined;
    // A tool called without input streams no argument text; OpenAI-style clients need valid JSON.
    if (tool !== undefined && !tool.sawArguments) {
      tool.sawArguments = true;
      return [{ type: 'tool-call-delta', choice: 0, index: tool.index, argumentsDelta: '{}' }];
    }
    return [];
  }
}

