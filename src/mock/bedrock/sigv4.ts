// SigV4 as Bedrock checks it (providers.md §6), VERIFIED, not just parsed: the simulator knows one
// documented test credential pair and recomputes the signature with the smithy signer over what it
// received — method, raw path (double-encoded by the signer, as for every non-S3 service), query,
// the headers the client listed in SignedHeaders, and the exact body — then compares. Failures are
// 403s in AWS's words: an unknown access key is UnrecognizedClientException; a wrong signature, a
// body whose hash is not the signed one, a date more than 5 minutes off, a scope for another
// service: InvalidSignatureException.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

/** The simulator's one AWS credential pair (documented in docs/simulator.md; not a real AWS key). */
export const MOCK_AWS_ACCESS_KEY_ID = 'AKIDTOLLGATEMOCK0001';
export const MOCK_AWS_SECRET_ACCESS_KEY = 'tollgate-mock-secret';

export const MAX_CLOCK_SKEW_MS = 5 * 60_000;
const SERVICE = 'bedrock';

export interface ReceivedRequest {
  readonly method: string;
  /** As received: still percent-encoded. */
  readonly path: string;
  /** Raw query string without '?'. */
  readonly query: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface AuthFailure {
  readonly status: number;
  readonly exception: string;
  readonly message: string;
}

const MISMATCH: AuthFailure = {
  status: 403,
  exception: 'InvalidSignatureException',
  message:
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and ' +
    'signing method. Consult the service documentation for details.',
};

const incomplete = (message: string): AuthFailure => ({ status: 403, exception: 'IncompleteSignatureException', message });
const invalid = (message: string): AuthFailure => ({ status: 403, exception: 'InvalidSignatureException', message });

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function parseAuthorization(auth: string): { credential: string; signedHeaders: string[]; signature: string } | AuthFailure {
  const fields = new Map<string, string>();
  for (const part of auth.slice('AWS4-HMAC-SHA256'.length).split(',')) {
    const eq = part.indexOf('=');
    if (eq !== -1) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((k) => !fields.get(k));
  if (missing.length > 0) return incomplete(missing.map((k) => `Authorization header requires '${k}' parameter.`).join(' '));
  return {
    credential: fields.get('Credential') as string,
    signedHeaders: (fields.get('SignedHeaders') as string).split(';').map((h) => h.toLowerCase()),
    signature: fields.get('Signature') as string,
  };
}

/** `YYYYMMDDTHHMMSSZ` → ms, or undefined. */
function parseAmzDate(v: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(v);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function skewFailure(signedAt: number, now: number, raw: string): AuthFailure | undefined {
  if (signedAt < now - MAX_CLOCK_SKEW_MS) {
    return invalid(`Signature expired: ${raw} is now earlier than ${amzDate(now - MAX_CLOCK_SKEW_MS)} (${amzDate(now)} - 5 min.)`);
  }
  if (signedAt > now + MAX_CLOCK_SKEW_MS) {
    return invalid(`Signature not yet current: ${raw} is still later than ${amzDate(now + MAX_CLOCK_SKEW_MS)} (${amzDate(now)} + 5 min.)`);
  }
  return undefined;
}

function queryRecord(query: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(query)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

function sameSignature(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** undefined when the request is signed by the simulator's credential pair; otherwise why not. */
export async function verifySigV4(req: ReceivedRequest, authorization: string, now: number): Promise<AuthFailure | undefined> {
  const auth = parseAuthorization(authorization);
  if ('status' in auth) return auth;
  const [accessKeyId, scopeDate, region, service, terminator] = auth.credential.split('/');
  if (accessKeyId !== MOCK_AWS_ACCESS_KEY_ID) {
    return { status: 403, exception: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
  }
  if (scopeDate === undefined || region === undefined || service === undefined || terminator !== 'aws4_request') {
    return incomplete(`Credential should be scoped to a valid region, service and 'aws4_request': '${auth.credential}'.`);
  }
  if (service !== SERVICE) return invalid(`Credential should be scoped to correct service: '${SERVICE}'.`);
  if (!auth.signedHeaders.includes('host')) return invalid("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  const rawDate = headerValue(req.headers, 'x-amz-date');
  const signedAt = rawDate === undefined ? undefined : parseAmzDate(rawDate);
  if (rawDate === undefined || signedAt === undefined) return incomplete("Authorization header requires existence of a valid 'X-Amz-Date' header.");
  const skew = skewFailure(signedAt, now, rawDate);
  if (skew) return skew;
  if (scopeDate !== rawDate.slice(0, 8)) return invalid(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${rawDate.slice(0, 8)}'.`);
  const claimedHash = headerValue(req.headers, 'x-amz-content-sha256');
  if (claimedHash !== undefined && claimedHash !== createHash('sha256').update(req.body, 'utf8').digest('hex')) {
    return invalid("The provided 'x-amz-content-sha256' header does not match what was computed.");
  }

  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const v = headerValue(req.headers, name);
    if (v === undefined) return MISMATCH;
    if (name !== 'x-amz-date') headers[name] = v;
  }
  const sessionToken = auth.signedHeaders.includes('x-amz-security-token') ? headers['x-amz-security-token'] : undefined;
  const signer = new SignatureV4({
    service: SERVICE,
    region,
    credentials: { accessKeyId, secretAccessKey: MOCK_AWS_SECRET_ACCESS_KEY, ...(sessionToken !== undefined ? { sessionToken } : {}) },
    sha256: Sha256,
    uriEscapePath: true,
    // Recompute over what was sent: never add a header the client did not sign.
    applyChecksum: false,
  });
  const expected = await signer.sign(
    { method: req.method, protocol: 'http:', hostname: headers['host'] ?? '', path: req.path, query: queryRecord(req.query), headers, body: req.body },
    { signingDate: new Date(signedAt), signingRegion: region, signingService: service, signableHeaders: new Set(auth.signedHeaders) },
  );
  const computed = /Signature=([0-9a-f]+)/.exec(expected.headers['authorization'] ?? '')?.[1] ?? '';
  return sameSignature(computed, auth.signature) ? undefined : MISMATCH;
}
