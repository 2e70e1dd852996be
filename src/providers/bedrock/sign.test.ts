import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { BedrockAuthConfigError, signBedrockRequest } from './auth.js';
import { encodeBedrockChat } from './encode.js';
import { bedrockProvider } from './index.js';
import { BEARER_ENDPOINT, chatRequest, CREDENTIALS, MODEL, SIGV4_ENDPOINT } from './test-fixtures.js';

const NOW = Date.UTC(2025, 0, 15, 12, 30, 45);
const AMZ_DATE = '20250115T123045Z';
const HOST = 'bedrock-runtime.us-east-1.amazonaws.com';
const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

/** SigV4 computed by hand from providers.md §6 — an oracle independent of the smithy signer. */
function oracle(canonicalPath: string, body: string, extraHeaders: [string, string][] = []): string {
  const headers: [string, string][] = [
    ['accept', 'application/json'],
    ['content-type', 'application/json'],
    ['host', HOST],
    ['x-amz-content-sha256', sha256(body)],
    ['x-amz-date', AMZ_DATE],
    ...extraHeaders,
  ].sort(([a], [b]) => (a < b ? -1 : 1)) as [string, string][];
  const signed = headers.map(([k]) => k).join(';');
  const canonical = ['POST', canonicalPath, '', ...headers.map(([k, v]) => `${k}:${v}`), '', signed, sha256(body)].join('\n');
  const scope = `20250115/us-east-1/bedrock/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', AMZ_DATE, scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${CREDENTIALS.secretAccessKey}`, '20250115'), 'us-east-1'), 'bedrock'), 'aws4_request');
  return `AWS4-HMAC-SHA256 Credential=${CREDENTIALS.accessKeyId}/${scope}, SignedHeaders=${signed}, Signature=${hmac(key, toSign).toString('hex')}`;
}

const encoded = encodeBedrockChat(chatRequest({}), SIGV4_ENDPOINT, MODEL).request;

test('SigV4 known answer: fixed clock and credentials give the hand-computed Authorization, with the path double-encoded', async () => {
  const signed = await signBedrockRequest(encoded, SIGV4_ENDPOINT, NOW);
  assert.equal(encoded.body, '{"messages":[{"role":"user","content":[{"text":"Hello"}]}]}');
  const expected = oracle('/model/us.anthropic.claude-sonnet-4-5-20250929-v1%253A0/converse', encoded.body ?? '');
  assert.equal(signed.headers['authorization'], expected);
  // Pinned, so a change in either computation shows.
  assert.match(expected, /Signature=a69bbb6b44c275ae383fd144b6fc11abe04c0ede05508529aee54058c78c0807$/);
  assert.notEqual(expected, oracle('/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse', encoded.body ?? ''), 'single encoding signs something else');
  assert.equal(signed.headers['x-amz-date'], AMZ_DATE);
  assert.equal(signed.headers['host'], HOST);
  assert.equal(signed.headers['x-amz-content-sha256'], sha256(encoded.body ?? ''));
  assert.equal(signed.headers['x-amz-security-token'], undefined);
  assert.equal(signed.path, encoded.path, 'the path sent stays single-encoded');
  assert.equal(signed.body, encoded.body);
});

test('SigV4 signs the exact UTF-8 bytes and, for temporary credentials, the session token', async () => {
  const ep = { ...SIGV4_ENDPOINT, awsCredentials: { ...CREDENTIALS, sessionToken: 'FwoGZXIvYXdzEXAMPLETOKEN' } };
  const req = encodeBedrockChat(chatRequest({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Crème brûlée — ☕' }] }] }), ep, MODEL).request;
  const signed = await bedrockProvider.sign(req, ep, NOW);
  assert.equal(signed.headers['x-amz-security-token'], 'FwoGZXIvYXdzEXAMPLETOKEN');
  assert.equal(signed.headers['x-amz-content-sha256'], sha256(req.body ?? ''));
  assert.equal(
    signed.headers['authorization'],
    oracle('/model/us.anthropic.claude-sonnet-4-5-20250929-v1%253A0/converse', req.body ?? '', [['x-amz-security-token', 'FwoGZXIvYXdzEXAMPLETOKEN']]),
  );
});

test('the region comes from the endpoint, else from a standard Bedrock host; an ARN model id is double-encoded too', async () => {
  const arn = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123';
  const req = encodeBedrockChat(chatRequest({}), SIGV4_ENDPOINT, arn).request;
  const signed = await signBedrockRequest(req, { ...SIGV4_ENDPOINT, region: undefined }, NOW);
  assert.equal(
    signed.headers['authorization'],
    oracle('/model/arn%253Aaws%253Abedrock%253Aus-east-1%253A123456789012%253Aapplication-inference-profile%252Fabc123/converse', req.body ?? ''),
  );
  await assert.rejects(signBedrockRequest(req, { ...SIGV4_ENDPOINT, region: undefined, origin: 'http://127.0.0.1:9' }, NOW), BedrockAuthConfigError);
});

test('a Bearer (API key) endpoint is sent as encoded; neither credentials nor a key is a typed config error', async () => {
  const req = encodeBedrockChat(chatRequest({}), BEARER_ENDPOINT, MODEL).request;
  assert.equal(await signBedrockRequest(req, BEARER_ENDPOINT, NOW), req);
  await assert.rejects(signBedrockRequest(req, { ...BEARER_ENDPOINT, apiKey: undefined }, NOW), (e: unknown) => e instanceof BedrockAuthConfigError && e.status === 500);
  await assert.rejects(signBedrockRequest(encoded, { ...SIGV4_ENDPOINT, origin: undefined }, NOW), BedrockAuthConfigError);
});

test('embeddings requests (InvokeModel) are signed the same way', async () => {
  const req = bedrockProvider.encodeEmbeddings(
    { model: 'alias', inputCount: 1, texts: ['hi'], source: { wire: 'openai-embeddings', body: { model: 'alias', input: 'hi' } } },
    SIGV4_ENDPOINT,
    'amazon.titan-embed-text-v2:0',
  );
  const signed = await bedrockProvider.sign(req, SIGV4_ENDPOINT, NOW);
  assert.equal(signed.headers['authorization'], oracle('/model/amazon.titan-embed-text-v2%253A0/invoke', req.body ?? ''));
});
