// One HTTP exchange with a provider through its pool, with the attempt's timeouts and the client's
// abort signal. Failures to connect or to answer in time become typed errors.
import type { Dispatcher, Pool } from 'undici';
import { errors as undiciErrors } from 'undici';
import { GatewayError, UpstreamUnavailableError } from '../core/errors.js';
import type { Timeouts } from '../config/runtime.js';
import type { UpstreamRequest } from '../providers/types.js';
import type { AbortSignalLike } from './abort-emitter.js';

export interface UpstreamResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Dispatcher.ResponseData['body'];
}

export async function callUpstream(
  pool: Pool,
  req: UpstreamRequest,
  extraHeaders: Readonly<Record<string, string>> | undefined,
  timeouts: Timeouts,
  signal: AbortSignalLike,
  label: string,
): Promise<UpstreamResponse> {
  try {
    const res = await pool.request({
      method: req.method,
      path: req.path,
      headers: extraHeaders ? { ...extraHeaders, ...req.headers } : req.headers,
      body: req.body,
      signal,
      headersTimeout: timeouts.firstByteMs,
      bodyTimeout: timeouts.idleMs,
    });
    return { status: res.statusCode, headers: res.headers, body: res.body };
  } catch (err) {
    throw upstreamFailure(err, label, signal);
  }
}

/** Maps transport failures (while connecting, waiting, or reading the body) to gateway errors. */
export function upstreamFailure(err: unknown, label: string, signal: AbortSignalLike): GatewayError {
  if (err instanceof GatewayError) return err;
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    if (reason instanceof GatewayError) return reason;
    return new UpstreamUnavailableError('upstream_timeout', `${label}: request aborted`, err);
  }
  if (err instanceof undiciErrors.HeadersTimeoutError) return new UpstreamUnavailableError('upstream_timeout', `${label} sent no response headers within the first-byte timeout`, err);
  if (err instanceof undiciErrors.BodyTimeoutError) return new UpstreamUnavailableError('upstream_timeout', `${label} went silent for longer than the idle timeout`, err);
  if (err instanceof undiciErrors.ConnectTimeoutError) return new UpstreamUnavailableError('upstream_timeout', `${label}: connection timed out`, err);
  const code = (err as { code?: string }).code ?? '';
  const msg = (err as Error).message ?? String(err);
  if (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET') return new UpstreamUnavailableError('upstream_protocol_error', `${label} closed the connection: ${msg}`, err);
  return new UpstreamUnavailableError('upstream_unreachable', `${label} could not be reached: ${code || msg}`, err);
}
