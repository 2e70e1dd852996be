// streamGenerateContent WITHOUT alt=sse: Gemini streams one JSON array, element by element
// (`[{…}` `,\r\n{…}` … `]`, content-type application/json), and a failure after the 200 is one more
// element, `{"error":…}`, before the closing bracket (providers.md §5). The faults play as in
// ../stream-writer.ts (same counting of delta elements; a cut leaves the array unclosed); this file
// exists because that writer always sends text/event-stream.
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Faults } from '../faults.js';
import type { StreamFrames } from '../stream-writer.js';

const SEPARATOR = ',\r\n';

function stopAt(f: Readonly<Faults>, deltas: number): { kind: 'cut' | 'error'; at: number } | undefined {
  const cut = f.cutAfter;
  const err = f.errorAfter;
  if (cut !== undefined && (err === undefined || cut <= err)) return { kind: 'cut', at: Math.min(cut, deltas) };
  if (err !== undefined) return { kind: 'error', at: Math.min(err, deltas) };
  return undefined;
}

/** Returns how many delta elements were handed to the socket. */
export async function writeArrayStream(res: ServerResponse, headers: string[], chunks: StreamFrames, faults: Readonly<Faults>, errorElement: string): Promise<number> {
  if (res.destroyed) return 0;
  headers.push('content-type', 'application/json; charset=UTF-8', 'cache-control', 'no-cache');
  res.writeHead(200, headers);
  const stop = stopAt(faults, chunks.deltas.length);
  const limit = stop === undefined ? chunks.deltas.length : stop.at;
  const elements = [...chunks.head, ...chunks.deltas.slice(0, limit), ...(stop === undefined ? chunks.tail : stop.kind === 'error' ? [errorElement] : [])];
  const pieces = elements.map((e, i) => (i === 0 ? '[' : SEPARATOR) + e);
  // A cut array is never closed; an empty one still opens.
  if (stop?.kind !== 'cut') pieces.push(elements.length === 0 ? '[]' : ']');
  const delay = faults.chunkDelayMs ?? 0;
  let gone = false;
  res.once('close', () => (gone = true));
  if (delay === 0) res.write(pieces.join(''));
  else {
    for (let i = 0; i < pieces.length; i++) {
      if (i > 0) await sleep(delay);
      if (gone || res.destroyed) return Math.max(0, Math.min(limit, i - chunks.head.length));
      res.write(pieces[i] as string);
    }
  }
  if (stop?.kind === 'cut') {
    await new Promise<void>((resolve) => res.write('', () => resolve()));
    res.socket?.destroy();
    res.destroy();
  } else res.end();
  return limit;
}
