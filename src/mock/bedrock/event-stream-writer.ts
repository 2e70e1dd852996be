// Sends pre-rendered binary event-stream messages (content-type application/vnd.amazon.eventstream)
// and plays the stream faults the way ../stream-writer.ts does for SSE: pacing (chunk_delay_ms), an
// abrupt cut (cut_after: the socket is destroyed mid-body), or an exception message (error_after:
// e.g. modelStreamErrorException, then a clean end without messageStop or metadata).
// N in cut_after / error_after counts delta entries; when N is at least their number the break comes
// where messageStop would have been. Returns how many delta entries were handed to the socket.
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Faults } from '../faults.js';
import type { BinaryFrames } from './converse-encode.js';

export const EVENT_STREAM_TYPE = 'application/vnd.amazon.eventstream';

type Stop = { readonly kind: 'cut' | 'error'; readonly at: number } | undefined;

function stopOf(f: Readonly<Faults>, deltas: number): Stop {
  const cut = f.cutAfter;
  const err = f.errorAfter;
  if (cut !== undefined && (err === undefined || cut <= err)) return { kind: 'cut', at: Math.min(cut, deltas) };
  if (err !== undefined) return { kind: 'error', at: Math.min(err, deltas) };
  return undefined;
}

/** Writes what is buffered, then drops the connection without finishing the chunked body. */
function cutAfterFlush(res: ServerResponse, data: Buffer | undefined): Promise<void> {
  return new Promise((resolve) => {
    const destroy = (): void => {
      res.socket?.destroy();
      res.destroy();
      resolve();
    };
    if (data === undefined || data.length === 0) destroy();
    else res.write(data, destroy);
  });
}

export async function writeEventStream(
  res: ServerResponse,
  headers: string[],
  frames: BinaryFrames,
  faults: Readonly<Faults>,
  exception: Uint8Array,
): Promise<number> {
  if (res.destroyed) return 0;
  headers.push('content-type', EVENT_STREAM_TYPE);
  res.writeHead(200, headers);
  const stop = stopOf(faults, frames.deltas.length);
  const limit = stop === undefined ? frames.deltas.length : stop.at;
  const delay = faults.chunkDelayMs ?? 0;

  if (delay === 0) {
    const out: Uint8Array[] = [...frames.head, ...frames.deltas.slice(0, limit)];
    if (stop === undefined) res.end(Buffer.concat([...out, ...frames.tail]));
    else if (stop.kind === 'error') res.end(Buffer.concat([...out, exception]));
    else await cutAfterFlush(res, Buffer.concat(out));
    return limit;
  }

  let gone = false;
  res.once('close', () => {
    gone = true;
  });
  let first = true;
  const send = async (frame: Uint8Array): Promise<boolean> => {
    if (!first) await sleep(delay);
    first = false;
    if (gone || res.destroyed) return false;
    res.write(frame);
    return true;
  };

  for (const h of frames.head) if (!(await send(h))) return 0;
  let sent = 0;
  for (; sent < limit; sent++) if (!(await send(frames.deltas[sent] as Uint8Array))) return sent;
  if (stop === undefined) {
    for (const t of frames.tail) if (!(await send(t))) return sent;
    res.end();
  } else if (stop.kind === 'error') {
    if (await send(exception)) res.end();
  } else {
    await sleep(delay);
    if (!gone) await cutAfterFlush(res, undefined);
  }
  return sent;
}
