// Raw HTTP for tests: send a request, get status, headers and the exact body text back — including a
// body that ended abruptly (then `aborted` is true and `text` holds what arrived before the cut).
// Streams are checked on the raw SSE text, frame by frame, never through an SDK's parser.

export interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The connection broke before the body was complete. */
  readonly aborted: boolean;
}

export async function rawRequest(
  url: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const res = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { 'content-type': 'application/json', ...init.headers },
    body: init.body,
  });
  let text = '';
  let aborted = false;
  const decoder = new TextDecoder();
  const reader = res.body?.getReader();
  if (reader !== undefined) {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
    } catch {
      aborted = true;
    }
  }
  text += decoder.decode();
  return { status: res.status, headers: res.headers, text, aborted };
}

export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  return rawRequest(url, { body: typeof body === 'string' ? body : JSON.stringify(body), headers });
}

/**
 * The `data:` payloads of a data-only SSE body, in order. Throws on anything that is not a complete
 * `data: …\n\n` frame, so a test notices stray bytes or a half-written frame.
 */
export function sseData(raw: string): string[] {
  if (raw === '') return [];
  if (!raw.endsWith('\n\n')) throw new Error(`SSE body does not end with a blank line: ${JSON.stringify(raw.slice(-80))}`);
  return raw
    .slice(0, -2)
    .split('\n\n')
    .map((frame) => {
      if (!frame.startsWith('data: ') || frame.includes('\n')) throw new Error(`not a data-only SSE frame: ${JSON.stringify(frame)}`);
      return frame.slice('data: '.length);
    });
}
