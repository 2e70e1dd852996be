// Reading request bodies and writing responses with as little work per request as node:http allows:
// one Buffer concat, headers passed to writeHead as a flat list, an explicit content-length.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError } from '../core/errors.js';

export const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** The raw body as UTF-8 text, exactly as received. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > MAX_BODY_BYTES) {
        reject(new BodyTooLargeError(MAX_BODY_BYTES));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (chunks.length === 0) resolve('');
      else if (chunks.length === 1) resolve((chunks[0] as Buffer).toString('utf8'));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

/** Writes a complete response; `headers` is a flat name/value list and is extended in place. */
export function writeBody(res: ServerResponse, status: number, contentType: string, body: string, headers: string[]): void {
  if (res.headersSent || res.destroyed) return;
  headers.push('content-type', contentType, 'content-length', String(Buffer.byteLength(body)));
  res.writeHead(status, headers);
  res.end(body);
}

export function writeJson(res: ServerResponse, status: number, body: string, headers: string[] = []): void {
  writeBody(res, status, 'application/json', body, headers);
}
