// The simulator's HTTP server: node:http directly, keep-alive on, one small dispatch on the path.
// Control routes live under /_mock/; every other request is recorded, then routed to a wire.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatewayError } from '../core/errors.js';
import { handleMessages, MESSAGES_PATH } from './anthropic/routes.js';
import { AZURE_DEPLOYMENTS_PREFIX, handleAzure } from './azure/routes.js';
import { BEDROCK_PREFIX, handleBedrock } from './bedrock/routes.js';
import { COHERE_CHAT_PATH, COHERE_EMBED_PATH, handleCohereChat, handleCohereEmbed } from './cohere/routes.js';
import { handleControl } from './control.js';
import type { Exchange } from './exchange.js';
import { handleGemini, isGeminiPath } from './gemini/routes.js';
import { readBody, writeJson } from './http-io.js';
import { handleMistralChat, handleMistralEmbeddings, MISTRAL_CHAT_PATH, MISTRAL_EMBEDDINGS_PATH } from './mistral/routes.js';
import { handleChat, handleEmbeddings, handleModels } from './openai/routes.js';
import { openaiErrorBody } from './openai/wire.js';
import { MockState } from './state.js';

export interface MockOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** When set, inference routes demand this key (Bearer on OpenAI routes, api-key on Azure routes). */
  readonly requireKey?: string;
}

export interface RunningMock {
  /** e.g. http://127.0.0.1:8081, no trailing slash. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const CONTROL_PREFIX = '/_mock/';

function route(ex: Exchange): Promise<void> | void {
  const method = ex.req.method;
  switch (ex.path) {
    case '/v1/chat/completions':
      if (method === 'POST') return handleChat(ex);
      break;
    case '/v1/embeddings':
      if (method === 'POST') return handleEmbeddings(ex);
      break;
    case '/v1/models':
      if (method === 'GET') return handleModels(ex);
      break;
    case MESSAGES_PATH:
      if (method === 'POST') return handleMessages(ex);
      break;
    case COHERE_CHAT_PATH:
      if (method === 'POST') return handleCohereChat(ex);
      break;
    case COHERE_EMBED_PATH:
      if (method === 'POST') return handleCohereEmbed(ex);
      break;
    case MISTRAL_CHAT_PATH:
      if (method === 'POST') return handleMistralChat(ex);
      break;
    case MISTRAL_EMBEDDINGS_PATH:
      if (method === 'POST') return handleMistralEmbeddings(ex);
      break;
    default:
      if (ex.path.startsWith(AZURE_DEPLOYMENTS_PREFIX)) return handleAzure(ex);
      if (ex.path.startsWith(BEDROCK_PREFIX)) return handleBedrock(ex);
      if (isGeminiPath(ex.path)) return handleGemini(ex);
  }
  // OpenAI's own wording for an unknown route.
  const body = openaiErrorBody(`Invalid URL (${method ?? 'GET'} ${ex.path})`, 'invalid_request_error', null, null);
  writeJson(ex.res, 404, body);
}

function failed(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const e = err instanceof GatewayError ? err : undefined;
  if (e === undefined) process.stderr.write(`tollgate mock: internal error: ${String(err)}\n`);
  const status = e?.status ?? 500;
  const message = e?.message ?? 'tollgate mock: internal error';
  writeJson(res, status, openaiErrorBody(message, status >= 500 ? 'server_error' : 'invalid_request_error', null, e?.code ?? null));
}

export function createMockHandler(state: MockState): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const started = Date.now();
    const url = req.url ?? '/';
    const qi = url.indexOf('?');
    const path = qi === -1 ? url : url.slice(0, qi);
    const query = qi === -1 ? '' : url.slice(qi + 1);
    readBody(req)
      .then((body) => {
        const ex: Exchange = { state, req, res, path, query, body, started };
        if (path.startsWith(CONTROL_PREFIX)) return handleControl(ex);
        state.recorder.record(req.method ?? 'GET', url, req.headers, body);
        return route(ex);
      })
      .catch((err: unknown) => failed(res, err));
  };
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startMock(opts: MockOptions = {}): Promise<RunningMock> {
  const state = new MockState({ requireKey: opts.requireKey });
  const server: Server = createServer({ noDelay: true }, createMockHandler(state));
  // Longer than common client pools' idle timeouts, so the mock is never the side that drops a
  // keep-alive connection a client is about to reuse.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address: AddressInfo | string | null = server.address();
  if (address === null || typeof address === 'string') throw new Error('tollgate mock: server has no TCP address');
  const port = address.port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost(host)}:${port}`,
    port,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        state.barriers.releaseAll();
        server.close(() => resolve());
        // Tests end while streams or held requests may still be open; do not wait for them.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
