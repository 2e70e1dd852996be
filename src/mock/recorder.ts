// The last requests the simulator received, for tests that assert what the gateway actually sent
// (headers, exact body bytes). A fixed ring buffer keeps recording at one store per request; the
// query string is only parsed when someone reads the log.

import type { IncomingHttpHeaders } from 'node:http';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly headers: IncomingHttpHeaders;
  /** The body exactly as received (UTF-8 decoded). */
  readonly body: string;
}

interface Entry {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export const RECORDER_CAPACITY = 200;

function expand(e: Entry): RecordedRequest {
  const q = e.url.indexOf('?');
  const path = q === -1 ? e.url : e.url.slice(0, q);
  const query: Record<string, string> = {};
  if (q !== -1) for (const [k, v] of new URLSearchParams(e.url.slice(q + 1))) query[k] = v;
  return { method: e.method, path, query, headers: e.headers, body: e.body };
}

export class Recorder {
  private readonly ring: (Entry | undefined)[];
  private next = 0;
  private size = 0;

  constructor(private readonly capacity = RECORDER_CAPACITY) {
    this.ring = new Array<Entry | undefined>(capacity);
  }

  record(method: string, url: string, headers: IncomingHttpHeaders, body: string): void {
    this.ring[this.next] = { method, url, headers, body };
    this.next = (this.next + 1) % this.capacity;
    if (this.size < this.capacity) this.size += 1;
  }

  /** The last `limit` requests, oldest first (newest last). */
  last(limit = this.capacity): RecordedRequest[] {
    const n = Math.max(0, Math.min(limit, this.size));
    const out: RecordedRequest[] = [];
    for (let i = n; i >= 1; i--) {
      const e = this.ring[(this.next - i + this.capacity) % this.capacity];
      if (e !== undefined) out.push(expand(e));
    }
    return out;
  }

  clear(): void {
    this.ring.fill(undefined);
    this.next = 0;
    this.size = 0;
  }
}
