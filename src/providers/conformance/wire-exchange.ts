// Sends an adapter's UpstreamRequest to a real server and keeps the response bytes exactly as they
// arrived, chunk by chunk — including a body that was cut off.
import type { UpstreamRequest } from '../types.js';

export interface WireResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The body as received, in the chunks the socket delivered. */
  readonly chunks: readonly Uint8Array[];
  readonly text: string;
  /** The connection broke before the body was complete. */
  readonly aborted: boolean;
}

export async function exchange(origin: string, req: UpstreamRequest, extraHeaders: Readonly<Record<string, string>> = {}): Promise<WireResponse> {
  const res = await fetch(origin + req.path, { method: req.method, headers: { ...req.headers, ...extraHeaders }, body: req.body });
  const chunks: Uint8Array[] = [];
  let aborted = false;
  const reader = res.body?.getReader();
  if (reader) {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
      }
    } catch {
      aborted = true;
    }
  }
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => (headers[k] = v));
  return { status: res.status, headers, chunks, text: Buffer.concat(chunks).toString('utf8'), aborted };
}
