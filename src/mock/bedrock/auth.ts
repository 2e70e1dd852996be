// Who may call the Bedrock routes: a Bedrock API key as `Authorization: Bearer <key>` (any non-empty
// key, or exactly the configured one with requireKey), or SigV4 signed with the simulator's test
// credential pair (verified, see sigv4.ts). Never echoes the key or signature it got.
import type { Exchange } from '../exchange.js';
import { verifySigV4, type AuthFailure } from './sigv4.js';

const MISSING: AuthFailure = { status: 403, exception: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
const BAD_KEY: AuthFailure = { status: 403, exception: 'AccessDeniedException', message: 'Authentication failed: Please make sure your API Key is valid.' };
const BAD_SCHEME: AuthFailure = {
  status: 403,
  exception: 'IncompleteSignatureException',
  message: 'Authorization header must use AWS4-HMAC-SHA256 (SigV4) or Bearer (a Bedrock API key).',
};

export function authenticate(ex: Exchange): Promise<AuthFailure | undefined> | AuthFailure | undefined {
  const raw = ex.req.headers.authorization;
  if (raw === undefined || raw === '') return MISSING;
  if (raw.startsWith('Bearer ')) {
    const key = raw.slice('Bearer '.length).trim();
    if (key === '') return MISSING;
    return ex.state.requireKey !== undefined && key !== ex.state.requireKey ? BAD_KEY : undefined;
  }
  if (raw.startsWith('AWS4-HMAC-SHA256 ')) {
    const req = { method: ex.req.method ?? 'POST', path: ex.path, query: ex.query, headers: ex.req.headers, body: ex.body };
    return verifySigV4(req, raw, Date.now());
  }
  return BAD_SCHEME;
}
