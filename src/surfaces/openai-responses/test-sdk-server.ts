// A tiny local server that answers every request with the given bytes, so the official openai SDK
// can parse what our encoders produce (tests only). It keeps the last request body, to check what
// the SDK sent.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';

export interface Served {
  readonly client: OpenAI;
  /** The JSON body of the last request the SDK sent. */
  lastBody(): unknown;
  close(): Promise<void>;
}

export async function serve(status: number, contentType: string, body: () => string): Promise<Served> {
  let last: unknown;
  const server: Server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (text += c));
    req.on('end', () => {
      last = text === '' ? undefined : (JSON.parse(text) as unknown);
      res.writeHead(status, { 'content-type': contentType, 'x-request-id': 'req_test' });
      res.end(body());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'x', maxRetries: 0 });
  return { client, lastBody: () => last, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
