// Sends pre-rendered SSE frames and plays the stream faults: pacing (chunk_delay_ms), an abrupt cut
// (cut_after: the socket is destroyed, so no terminal frame and no [DONE]), or an error frame
// (error_after: `data: {"error":…}` then a clean end, still without [DONE]), or a hang (stall_after:
// the frames so far, then nothing — the connection stays open until the client gives up).
//
// Counting: N in cut_after / error_after counts delta frames — one per token or tool-call fragment —
// after the head frames (Azure's prompt-filter chunk, the role chunk). When N is at least the number of
// deltas, the break comes where the finish chunk would have been: a scripted cut always cuts.
//
// Billing of a broken stream: the caller bills the prompt plus the tokens of the delta frames this
// returns as sent (reasoning tokens are billed whole: the model thought before it spoke). Unpaced, the
// whole stream is written at once, so a client that leaves early is still billed for all of it.

import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Faults } from './faults.js';

export interface StreamFrames {
  /** Frames before the first delta; not counted by cut_after / error_after. */
  readonly head: readonly string[];
  /** One frame per plan delta, in order. */
  readonly deltas: readonly string[];
  /** Finish chunk, usage chunk, terminator — whatever the wire ends a good stream with. */
  readonly tail: readonly string[];
}

type Stop = { readonly kind: 'cut' | 'error' | 'stall'; readonly at: number } | undefined;

/** The earliest scripted break wins. */
function stopOf(f: Readonly<Faults>, deltas: number): Stop {
  let stop: Stop;
  for (const [kind, n] of [['cut', f.cutAfter], ['error', f.errorAfter], ['stall', f.stallAfter]] as const) {
    if (n !== undefined && (stop === undefined || n < stop.at)) stop = { kind, at: Math.min(n, deltas) };
  }
  return stop;
}

/** Writes what is buffered and then nothing more, until the client closes the connection. */
function stallAfterFlush(res: ServerResponse, data: string): Promise<void> {
  return new Promise((resolve) => {
    if (data !== '') res.write(data);
    res.once('close', () => resolve());
  });
}

/** Writes what is buffered, then drops the connection without finishing the chunked body. */
function cutAfterFlush(res: ServerResponse, data: string): Promise<void> {
  return new Promise((resolve) => {
    const destroy = (): void => {
      res.socket?.destroy();
      res.destroy();
      resolve();
    };
    if (data === '') destroy();
    else res.write(data, destroy);
  });
}

/**
 * Writes the stream with status 200 and `headers` (flat list, extended in place).
 * Returns how many delta frames were handed to the socket.
 */
export async function writeStream(
  res: ServerResponse,
  headers: string[],
  frames: StreamFrames,
  faults: Readonly<Faults>,
  errorFrame: string,
): Promise<number> {
  if (res.destroyed) return 0;
  headers.push('content-type', 'text/event-stream; charset=utf-8', 'cache-control', 'no-cache');
  res.writeHead(200, headers);
  const stop = stopOf(faults, frames.deltas.length);
  const limit = stop === undefined ? frames.deltas.length : stop.at;
  const delay = faults.chunkDelayMs ?? 0;

  // stall_after 0: the status line and headers, then not one byte ("200 then nothing").
  if (stop?.kind === 'stall' && stop.at === 0) {
    res.flushHeaders();
    await stallAfterFlush(res, '');
    return 0;
  }
  if (delay === 0) {
    let out = frames.head.join('');
    for (let i = 0; i < limit; i++) out += frames.deltas[i] as string;
    if (stop === undefined) {
      for (const t of frames.tail) out += t;
      res.end(out);
    } else if (stop.kind === 'error') {
      res.end(out + errorFrame);
    } else if (stop.kind === 'stall') {
      await stallAfterFlush(res, out);
    } else {
      await cutAfterFlush(res, out);
    }
    return limit;
  }

  let gone = false;
  res.once('close', () => {
    gone = true;
  });
  let first = true;
  const send = async (frame: string): Promise<boolean> => {
    if (!first) await sleep(delay);
    first = false;
    if (gone || res.destroyed) return false;
    res.write(frame);
    return true;
  };

  for (const h of frames.head) if (!(await send(h))) return 0;
  let sent = 0;
  for (; sent < limit; sent++) if (!(await send(frames.deltas[sent] as string))) return sent;
  if (stop === undefined) {
    for (const t of frames.tail) if (!(await send(t))) return sent;
    res.end();
  } else if (stop.kind === 'error') {
    if (await send(errorFrame)) res.end();
  } else if (stop.kind === 'stall') {
    if (!gone) await stallAfterFlush(res, '');
  } else {
    await sleep(delay);
    if (!gone) await cutAfterFlush(res, '');
  }
  return sent;
}
