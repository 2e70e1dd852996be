import type { IncomingMessage } from 'node:http';
import { BodyTooLargeError, InvalidJsonError } from '../core/errors.js';

/** Reads the whole request body, refusing it as soon as it passes `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(new BodyTooLargeError(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

export function parseJson(buf: Buffer): unknown {
  if (buf.length === 0) throw new InvalidJsonError('the body is empty');
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch (err) {
    throw new InvalidJsonError((err as Error).message);
  }
}
