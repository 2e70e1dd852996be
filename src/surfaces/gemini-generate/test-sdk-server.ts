// A tiny local server for tests: answers every request with the given bytes and keeps what the
// client sent, so the official @google/genai SDK can parse our encoders' output and show the
// request bodies it really sends.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GoogleGenAI } from '@google/genai';

export interface Captured {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface Served {
  readonly client: GoogleGenAI;
  readonly requests: readonly Captured[];
  close(): Promise<void>;
}

export async function serve(status: number, contentType: string, body: (req: Captured) => string): Promise<Served> {
  const requests: Captured[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const captured = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(captured);
      res.writeHead(status, { 'content-type': contentType });
      res.end(body(captured));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = new GoogleGenAI({ apiKey: 'x', httpOptions: { baseUrl: `http://127.0.0.1:${port}` } });
  return { client, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
