// A tiny local server that answers every request with the given bytes, so the official Anthropic
// SDK can parse what our encoders produce (tests only).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';

export interface Served {
  readonly client: Anthropic;
  close(): Promise<void>;
}

export async function serve(status: number, contentType: string, body: () => string): Promise<Served> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(status, { 'content-type': contentType, 'request-id': 'req_test' });
      res.end(body());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = new Anthropic({ baseURL: `http://127.0.0.1:${port}`, apiKey: 'x', maxRetries: 0 });
  return { client, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export const PARAMS = { model: 'claude-x', max_tokens: 100, messages: [{ role: 'user' as const, content: 'Hi' }] };
