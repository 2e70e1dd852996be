// Incremental Server-Sent Events decoder: bytes in (any chunking, UTF-8 split anywhere), complete
// events out, each with its exact raw text so same-wire relays can forward it untouched.
// Comments (`: keep-alive`) are reported as events with `comment` set; callers usually skip them.

export interface SseEvent {
  /** The `event:` field, if any. */
  readonly event: string | undefined;
  /** The `data:` lines joined by '\n'. */
  readonly data: string;
  /** True when the block held only comment lines. */
  readonly comment: boolean;
  /** The whole block as received, normalised to '\n' line ends, ending with the blank line. */
  readonly raw: string;
}

export class SseDecoder {
  #text = new TextDecoder('utf-8');
  #buf = '';

  push(chunk: Uint8Array): SseEvent[] {
    let s = this.#text.decode(chunk, { stream: true });
    if (s.includes('\r')) s = s.replace(/\r\n?/g, '\n');
    this.#buf += s;
    return this.#drain();
  }

  /** Flushes at end of input: a final block without its blank line still counts. */
  end(): SseEvent[] {
    this.#buf += this.#text.decode();
    if (this.#buf.trim() === '') {
      this.#buf = '';
      return [];
    }
    this.#buf += '\n\n';
    return this.#drain();
  }

  /** Bytes received but not yet part of a complete event. */
  get pending(): string {
    return this.#buf;
  }

  #drain(): SseEvent[] {
    const out: SseEvent[] = [];
    let start = 0;
    for (;;) {
      const end = this.#buf.indexOf('\n\n', start);
      if (end === -1) break;
      const block = this.#buf.slice(start, end);
      start = end + 2;
      if (block === '') continue;
      out.push(parseBlock(block));
    }
    this.#buf = start === 0 ? this.#buf : this.#buf.slice(start);
    return out;
  }
}

function parseBlock(block: string): SseEvent {
  let event: string | undefined;
  let data: string | undefined;
  let comment = true;
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    comment = false;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data = data === undefined ? value : data + '\n' + value;
    else if (field === 'event') event = value;
  }
  return { event, data: data ?? '', comment, raw: block + '\n\n' };
}
