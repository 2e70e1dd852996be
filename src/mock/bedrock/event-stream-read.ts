// Test helper: a whole binary event-stream body → its messages, headers as plain strings and the
// payload parsed as JSON. Throws on stray bytes or a bad CRC, so a test notices a half-written frame.
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

export interface ReadMessage {
  readonly headers: Readonly<Record<string, string>>;
  readonly payload: Record<string, unknown>;
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);

export function readEventStream(bytes: Uint8Array): ReadMessage[] {
  const out: ReadMessage[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (bytes.length - at < 4) throw new Error(`${bytes.length - at} stray bytes at the end of the event stream`);
    const total = new DataView(bytes.buffer, bytes.byteOffset + at, 4).getUint32(0, false);
    if (at + total > bytes.length) throw new Error(`a message of ${total} bytes is cut at ${bytes.length - at}`);
    const m = codec.decode(bytes.slice(at, at + total));
    at += total;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(m.headers)) headers[k] = String(v.value);
    const text = toUtf8(m.body);
    out.push({ headers, payload: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) });
  }
  return out;
}
