// Bedrock authentication (providers.md §6): SigV4 with the account's AWS credentials (signing name
// `bedrock`), or a Bedrock API key as `Authorization: Bearer`. SigV4 signs the exact bytes sent, so it
// is the last step before sending (the module's `sign` hook), never part of encoding.
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { GatewayError } from '../../core/errors.js';
import type { ProviderEndpoint, UpstreamRequest } from '../types.js';

/** A Bedrock endpoint with neither AWS credentials nor an API key (or SigV4 without a region or host). */
export class BedrockAuthConfigError extends GatewayError {
  constructor(endpoint: string, what: string) {
    super('provider_misconfigured', 500, `Bedrock provider '${endpoint}' cannot authenticate: ${what}`, {
      details: { provider: endpoint },
    });
  }
}

export const SIGNING_NAME = 'bedrock';

/** The headers every Bedrock request carries; `Bearer` only when no SigV4 credentials are configured. */
export function bedrockHeaders(ep: ProviderEndpoint, accept: string): Record<string, string> {
  const h: Record<string, string> = { 'content-type': 'application/json', accept, ...ep.headers };
  if (ep.awsCredentials !== undefined) return h;
  if (ep.apiKey === undefined || ep.apiKey === '') {
    throw new BedrockAuthConfigError(ep.name, 'set access_key_id + secret_access_key (SigV4) or api_key (a Bedrock API key)');
  }
  h['authorization'] = `Bearer ${ep.apiKey}`;
  return h;
}

/** The region to sign for: the endpoint's, or the one in a standard `bedrock-runtime.{region}.amazonaws.com` host. */
function signingRegion(ep: ProviderEndpoint, host: string): string {
  if (ep.region !== undefined && ep.region !== '') return ep.region;
  const m = /^bedrock-runtime(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com$/.exec(host);
  if (m?.[1] !== undefined) return m[1];
  throw new BedrockAuthConfigError(ep.name, 'SigV4 needs a region');
}

function splitQuery(query: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(query)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/**
 * SigV4-signs the request as it will be sent: method, path (double-encoded in the canonical request,
 * as every non-S3 service expects), query, the encoded headers plus `host`, and the exact body.
 * Adds authorization, x-amz-date, x-amz-content-sha256 and (temporary credentials)
 * x-amz-security-token. Without AWS credentials the request is returned as encoded (Bearer).
 */
export async function signBedrockRequest(req: UpstreamRequest, ep: ProviderEndpoint, now: number): Promise<UpstreamRequest> {
  const creds = ep.awsCredentials;
  if (creds === undefined) {
    if (ep.apiKey === undefined || ep.apiKey === '') throw new BedrockAuthConfigError(ep.name, 'no AWS credentials and no API key');
    return req;
  }
  if (ep.origin === undefined) throw new BedrockAuthConfigError(ep.name, 'SigV4 needs the endpoint origin (the host it signs)');
  const origin = new URL(ep.origin);
  const qi = req.path.indexOf('?');
  const signer = new SignatureV4({
    service: SIGNING_NAME,
    region: signingRegion(ep, origin.hostname),
    credentials: creds,
    sha256: Sha256,
    uriEscapePath: true,
    applyChecksum: true,
  });
  const signed = await signer.sign(
    {
      method: req.method,
      protocol: origin.protocol,
      hostname: origin.hostname,
      path: qi === -1 ? req.path : req.path.slice(0, qi),
      query: qi === -1 ? {} : splitQuery(req.path.slice(qi + 1)),
      headers: { ...req.headers, host: origin.host },
      body: req.body,
    },
    { signingDate: new Date(now) },
  );
  return { method: req.method, path: req.path, headers: { ...signed.headers }, body: req.body };
}
