// AWS event-stream framing (providers.md §6): bytes in any chunking → whole messages. A message is
// `[total_len u32][headers_len u32][prelude_crc u32][headers][payload][message_crc u32]`; bytes are
// buffered until total_len have arrived, then the smithy codec splits the message and verifies both
// CRCs. The prelude CRC is also checked as soon as the 12 prelude bytes are in, so a corrupted length
// fails at once instead of making the decoder wait for bytes that never come.
import { crc32 } from 'node:zlib';
import { EventStreamCodec, type Message, type MessageHeaders } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

/** total_len, headers_len, prelude CRC. */
const PRELUDE_BYTES = 12;
/** Prelude + message CRC. */
const MIN_MESSAGE_BYTES = PRELUDE_BYTES + 4;
/** AWS event streams cap a payload at 16 MiB and headers at 128 KiB. */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024 + 128 * 1024 + MIN_MESSAGE_BYTES;

export interface Framed {
  readonly messages: Message[];
  /** Set when the bytes after `messages` are not a valid event stream (bad length, CRC or header). */
  readonly error: string | undefined;
}

export class EventStreamFramer {
  readonly #codec = new EventStreamCodec(toUtf8, fromUtf8);
  #buf = new Uint8Array(1024);
  #len = 0;
  #broken = false;

  /** Bytes received that do not yet make a whole message. */
  get pending(): number {
    return this.#len;
  }

  /** Whole messages completed by these bytes; after an error, nothing more is read. */
  push(bytes: Uint8Array): Framed {
    const messages: Message[] = [];
    if (this.#broken) return { messages, error: undefined };
    this.#append(bytes);
    while (this.#len >= PRELUDE_BYTES) {
      const view = new DataView(this.#buf.buffer, this.#buf.byteOffset, PRELUDE_BYTES);
      if (crc32(this.#buf.subarray(0, 8)) !== view.getUint32(8, false)) return this.#fail(messages, 'an event-stream prelude whose CRC does not match');
      const total = view.getUint32(0, false);
      if (total < MIN_MESSAGE_BYTES || total > MAX_MESSAGE_BYTES) return this.#fail(messages, `an event-stream message length of ${total} bytes`);
      if (this.#len < total) break;
      // A copy: the codec returns views into what it decodes, and the buffer is reused.
      const whole = this.#buf.slice(0, total);
      this.#buf.copyWithin(0, total, this.#len);
      this.#len -= total;
      try {
        messages.push(this.#codec.decode(whole));
      } catch (err) {
        return this.#fail(messages, err instanceof Error ? err.message : String(err));
      }
    }
    return { messages, error: undefined };
  }

  #fail(messages: Message[], error: string): Framed {
    this.#broken = true;
    return { messages, error };
  }

  #append(bytes: Uint8Array): void {
    const need = this.#len + bytes.length;
    if (need > this.#buf.length) {
      const grown = new Uint8Array(Math.max(need, this.#buf.length * 2));
      grown.set(this.#buf.subarray(0, this.#len));
      this.#buf = grown;
    }
    this.#buf.set(bytes, this.#len);
    this.#len = need;
  }
}

export function headerString(headers: MessageHeaders, name: string): string | undefined {
  const h = headers[name];
  return h !== undefined && h.type === 'string' ? h.value : undefined;
}

export type { Message };
