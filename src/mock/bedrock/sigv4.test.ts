// The simulator VERIFIES SigV4: requests are signed here the way an AWS client signs them (smithy's
// signer), then bent one way at a time; each bend must be refused with the 403 AWS would send.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { startMock, type RunningMock } from '../server.js';
import { MOCK_AWS_ACCESS_KEY_ID, MOCK_AWS_SECRET_ACCESS_KEY } from './sigv4.js';

let mock: RunningMock;
let host: string;
before(async () => {
  mock = await startMock({ port: 0 });
  host = new URL(mock.url).host;
});
after(() => mock.close());

const MODEL_SEGMENT = encodeURIComponent('us.anthropic.claude-sonnet-4-5-20250929-v1:0');
const PATH = `/model/${MODEL_SEGMENT}/converse`;
const BODY = JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'Hello there' }] }] });

interface SignOptions {
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  service?: string;
  date?: Date;
  uriEscapePath?: boolean;
  path?: string;
  body?: string;
}

async function sign(o: SignOptions = {}): Promise<{ path: string; headers: Record<string, string>; body: string }> {
  const signer = new SignatureV4({
    service: o.service ?? 'bedrock',
    region: 'us-east-1',
    credentials: {
      accessKeyId: o.accessKeyId ?? MOCK_AWS_ACCESS_KEY_ID,
      secretAccessKey: o.secretAccessKey ?? MOCK_AWS_SECRET_ACCESS_KEY,
      ...(o.sessionToken !== undefined ? { sessionToken: o.sessionToken } : {}),
    },
    sha256: Sha256,
    uriEscapePath: o.uriEscapePath ?? true,
  });
  const path = o.path ?? PATH;
  const body = o.body ?? BODY;
  const signed = await signer.sign(
    { method: 'POST', protocol: 'http:', hostname: '127.0.0.1', path, query: {}, headers: { host, 'content-type': 'application/json' }, body },
    { signingDate: o.date ?? new Date() },
  );
  return { path, headers: signed.headers, body };
}

function send(req: { path: string; headers: Record<string, string>; body: string }): Promise<{ status: number; type: string | undefined; message: string }> {
  return new Promise((resolve, reject) => {
    const r = request(`${mock.url}${req.path}`, { method: 'POST', headers: req.headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => {
        const type = res.headers['x-amzn-errortype'];
        const message = res.statusCode === 200 ? '' : String((JSON.parse(text) as { message: unknown }).message);
        resolve({ status: res.statusCode ?? 0, type: typeof type === 'string' ? type.split(':')[0] : undefined, message });
      });
    });
    r.on('error', reject);
    r.end(req.body);
  });
}

const MISMATCH = /The request signature we calculated does not match the signature you provided/;

test('a request signed with the test credential pair is served, with or without a session token and unsigned extra headers', async () => {
  assert.equal((await send(await sign())).status, 200);
  assert.equal((await send(await sign({ sessionToken: 'FwoGZXIvYXdzEXAMPLE' }))).status, 200);
  const signed = await sign();
  assert.equal((await send({ ...signed, headers: { ...signed.headers, 'x-mock-output-tokens': '3' } })).status, 200);
});

test('a wrong secret is 403 InvalidSignatureException; an unknown access key is 403 UnrecognizedClientException', async () => {
  const wrong = await send(await sign({ secretAccessKey: 'not-the-secret' }));
  assert.deepEqual([wrong.status, wrong.type], [403, 'InvalidSignatureException']);
  assert.match(wrong.message, MISMATCH);
  const unknown = await send(await sign({ accessKeyId: 'AKIDSOMEONEELSE00000' }));
  assert.deepEqual([unknown.status, unknown.type], [403, 'UnrecognizedClientException']);
});

test('anything changed after signing — body, path, a signed header, the session token — is refused', async () => {
  const signed = await sign();
  const body = await send({ ...signed, body: BODY.replace('Hello', 'Howdy') });
  assert.deepEqual([body.status, body.type], [403, 'InvalidSignatureException']);
  const rehashed = await send({ ...signed, body: BODY.replace('Hello', 'Howdy'), headers: { ...signed.headers, 'x-amz-content-sha256': (await sign({ body: BODY.replace('Hello', 'Howdy') })).headers['x-amz-content-sha256'] as string } });
  assert.match(rehashed.message, MISMATCH);
  const path = await send({ ...signed, path: `/model/${MODEL_SEGMENT}/converse-stream` });
  assert.match(path.message, MISMATCH);
  const header = await send({ ...signed, headers: { ...signed.headers, 'content-type': 'text/plain' } });
  assert.match(header.message, MISMATCH);
  const withToken = await sign({ sessionToken: 'token-a' });
  const token = await send({ ...withToken, headers: { ...withToken.headers, 'x-amz-security-token': 'token-b' } });
  assert.match(token.message, MISMATCH);
});

test('the path must be double-encoded in the canonical request, as for every non-S3 service', async () => {
  const single = await send(await sign({ uriEscapePath: false }));
  assert.match(single.message, MISMATCH);
});

test('a signing date more than 5 minutes off is refused; a scope for another service too', async () => {
  const old = await send(await sign({ date: new Date(Date.now() - 6 * 60_000) }));
  assert.deepEqual([old.status, old.type], [403, 'InvalidSignatureException']);
  assert.match(old.message, /^Signature expired: \d{8}T\d{6}Z is now earlier than/);
  const future = await send(await sign({ date: new Date(Date.now() + 6 * 60_000) }));
  assert.match(future.message, /^Signature not yet current/);
  assert.equal((await send(await sign({ date: new Date(Date.now() - 4 * 60_000) }))).status, 200);
  const service = await send(await sign({ service: 'bedrock-runtime' }));
  assert.match(service.message, /Credential should be scoped to correct service: 'bedrock'/);
});

test('a malformed AWS4 Authorization header is 403 IncompleteSignatureException', async () => {
  const signed = await sign();
  const res = await send({ ...signed, headers: { ...signed.headers, authorization: 'AWS4-HMAC-SHA256 Credential=x' } });
  assert.deepEqual([res.status, res.type], [403, 'IncompleteSignatureException']);
  assert.match(res.message, /requires 'SignedHeaders' parameter/);
});
