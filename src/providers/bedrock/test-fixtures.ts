// Test helpers for the Bedrock adapter: canonical requests as the OpenAI decoder builds them (frozen,
// with the client's body kept in `source`), endpoints, and ConverseStream event-stream messages.
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import type { ChatRequest } from '../../core/chat.js';
import { deepFreeze } from '../../core/freeze.js';
import type { ProviderEndpoint } from '../types.js';

export const MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
export const TARGET = `bedrock/${MODEL}`;

/** AWS's documentation example key pair: not a real credential. */
export const CREDENTIALS = Object.freeze({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' });

export const SIGV4_ENDPOINT: ProviderEndpoint = Object.freeze({
  name: 'bedrock-main',
  origin: 'https://bedrock-runtime.us-east-1.amazonaws.com',
  basePath: '',
  apiKey: undefined,
  apiVersion: undefined,
  organization: undefined,
  project: undefined,
  headers: {},
  region: 'us-east-1',
  awsCredentials: CREDENTIALS,
});

export const BEARER_ENDPOINT: ProviderEndpoint = Object.freeze({
  name: 'bedrock-key',
  origin: 'https://bedrock-runtime.us-west-2.amazonaws.com',
  basePath: '',
  apiKey: 'bedrock-api-key-test',
  apiVersion: undefined,
  organization: undefined,
  project: undefined,
  headers: {},
  region: 'us-west-2',
});

/** A frozen canonical request; `source` is the OpenAI body (pass the fields only the body carries). */
export function chatRequest(fields: Partial<Omit<ChatRequest, 'source'>>, sourceBody: Record<string, unknown> = {}): ChatRequest {
  return deepFreeze({
    model: 'my-alias',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }],
    stream: false,
    streamIncludeUsage: false,
    ...fields,
    source: { wire: 'openai-chat', body: { model: 'my-alias', messages: [], ...sourceBody } },
  });
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);
const str = (value: string) => ({ type: 'string' as const, value });

export function event(type: string, payload: unknown): Uint8Array {
  return codec.encode({
    headers: { ':event-type': str(type), ':content-type': str('application/json'), ':message-type': str('event') },
    body: fromUtf8(JSON.stringify(payload)),
  });
}

export function exception(type: string, payload: unknown): Uint8Array {
  return codec.encode({
    headers: { ':exception-type': str(type), ':content-type': str('application/json'), ':message-type': str('exception') },
    body: fromUtf8(JSON.stringify(payload)),
  });
}

export function errorMessage(code: string, message: string): Uint8Array {
  return codec.encode({
    headers: { ':error-code': str(code), ':error-message': str(message), ':message-type': str('error') },
    body: new Uint8Array(0),
  });
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const MESSAGE_START = event('messageStart', { role: 'assistant' });
export const textDelta = (index: number, text: string): Uint8Array => event('contentBlockDelta', { contentBlockIndex: index, delta: { text } });
export const blockStop = (index: number): Uint8Array => event('contentBlockStop', { contentBlockIndex: index });
export const messageStop = (stopReason: string): Uint8Array => event('messageStop', { stopReason });
export const metadata = (usage: Record<string, number>): Uint8Array => event('metadata', { usage, metrics: { latencyMs: 12 } });
