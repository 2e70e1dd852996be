// Every failure the gateway reports has a stable `code` (what clients and tests match on), an HTTP
// `status`, an OpenAI-style `type`, and whether retrying the same request elsewhere may succeed.
// One subclass per failure; never throw strings.

export interface ErrorDetails {
  readonly [key: string]: string | number | boolean | null | undefined | readonly unknown[] | object;
}

export class GatewayError extends Error {
  readonly code: string;
  readonly status: number;
  readonly type: string;
  readonly retryable: boolean;
  readonly param: string | null;
  /** Extra fields placed beside `message` in the client error body (scope, limit, attempts…). */
  readonly details: ErrorDetails;
  /** Seconds the client should wait before retrying (sent as Retry-After). */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: string,
    status: number,
    message: string,
    opts: {
      type?: string;
      retryable?: boolean;
      param?: string | null;
      details?: ErrorDetails;
      retryAfterSeconds?: number;
      cause?: unknown;
    } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.type = opts.type ?? defaultType(status);
    this.retryable = opts.retryable ?? false;
    this.param = opts.param ?? null;
    this.details = opts.details ?? {};
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }
}

function defaultType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

export class InvalidJsonError extends GatewayError {
  constructor(detail: string) {
    super('invalid_json', 400, `Request body is not valid JSON: ${detail}`);
  }
}

export class InvalidRequestError extends GatewayError {
  constructor(message: string, param: string | null = null, code = 'invalid_request') {
    super(code, 400, message, { param });
  }
}

export class BodyTooLargeError extends GatewayError {
  constructor(limitBytes: number) {
    super('request_too_large', 413, `Request body exceeds the limit of ${limitBytes} bytes`, {
      details: { limit_bytes: limitBytes },
    });
  }
}

export class UnsupportedMediaTypeError extends GatewayError {
  constructor(got: string) {
    super('unsupported_media_type', 415, `Expected Content-Type application/json, got '${got}'`);
  }
}

export class RouteNotFoundError extends GatewayError {
  constructor(method: string, path: string) {
    super('route_not_found', 404, `No route for ${method} ${path}`);
  }
}

export class MethodNotAllowedError extends GatewayError {
  constructor(method: string, path: string) {
    super('method_not_allowed', 405, `Method ${method} is not allowed on ${path}`);
  }
}

export class ModelNotFoundError extends GatewayError {
  constructor(model: string) {
    super('model_not_found', 404, `The model '${model}' does not exist or is not configured on this gateway`, {
      param: 'model',
    });
  }
}

export class ModelNotAllowedError extends GatewayError {
  constructor(model: string) {
    super('model_not_allowed', 403, `This API key may not use the model '${model}'`, { param: 'model' });
  }
}

export class InvalidApiKeyError extends GatewayError {
  constructor(message = 'Invalid API key. Send a Tollgate virtual key as "Authorization: Bearer <key>".') {
    super('invalid_api_key', 401, message, { type: 'invalid_request_error' });
  }
}

export class KeyExpiredError extends GatewayError {
  constructor(expiredAt: string) {
    super('key_expired', 401, `This API key expired at ${expiredAt}`, { type: 'invalid_request_error' });
  }
}

export class UnsupportedParameterError extends GatewayError {
  constructor(param: string, target: string, why = 'is not supported by') {
    super('unsupported_parameter', 400, `Parameter '${param}' ${why} ${target}`, {
      param,
      details: { target },
    });
  }
}

/**
 * An image URL the gateway had to fetch (for a provider that only takes inline bytes) could not be
 * used: refused address, too large, not an image, unreachable. The client's input, so a 400.
 */
export class ImageFetchError extends GatewayError {
  constructor(code: 'image_url_forbidden' | 'image_fetch_failed' | 'image_too_large', param: string, message: string, cause?: unknown) {
    super(code, 400, message, { param, cause });
  }
}

/** A budget on one of the request's scopes would be exceeded by this request's worst-case cost. */
export class BudgetExceededError extends GatewayError {
  constructor(o: { scope: string; limitUsd: string; spentUsd: string; requestUsd: string; period: string; retryAfterSeconds?: number }) {
    super(
      'budget_exceeded',
      429,
      `${describeScope(o.scope)} has spent $${o.spentUsd} of its $${o.limitUsd}${o.period === 'none' ? '' : ' ' + o.period} budget; this request may cost up to $${o.requestUsd}`,
      {
        type: 'budget_exceeded',
        retryAfterSeconds: o.retryAfterSeconds,
        details: { scope: o.scope, limit: Number(o.limitUsd), spent: Number(o.spentUsd), request_max_cost: Number(o.requestUsd), period: o.period },
      },
    );
  }
}

/** An RPM, TPM or concurrency limit on one of the request's scopes. */
export class RateLimitedError extends GatewayError {
  constructor(o: { limit: 'rpm' | 'tpm' | 'concurrency'; scope: string; limitValue: number; current: number; requested: number; retryAfterSeconds?: number }) {
    const what = o.limit === 'rpm' ? 'requests per minute' : o.limit === 'tpm' ? 'tokens per minute' : 'requests in flight';
    const code = o.limit === 'concurrency' ? 'concurrency_limit' : `rate_limit_${o.limit}`;
    super(
      code,
      429,
      `${describeScope(o.scope)} is limited to ${o.limitValue} ${what}; ${o.current} used${o.limit === 'tpm' ? `, this request needs up to ${o.requested}` : ''}`,
      {
        type: 'rate_limit_error',
        retryAfterSeconds: o.retryAfterSeconds,
        details: { scope: o.scope, limit_type: o.limit, limit: o.limitValue, current: o.current, requested: o.requested },
      },
    );
  }
}

export class NoPriceForModelError extends GatewayError {
  constructor(model: string, scope: string) {
    super('no_price_for_model', 400, `No price is known for '${model}' and ${describeScope(scope)} has a budget; add it under pricing: in the config`, {
      param: 'model',
      details: { scope, upstream_model: model },
    });
  }
}

function describeScope(scope: string): string {
  const i = scope.indexOf(':');
  const kind = scope.slice(0, i);
  const id = scope.slice(i + 1).replace(/^cfg:/, '');
  return `${kind === 'end_user' ? 'end user' : kind} '${id}'`;
}

export class ShuttingDownError extends GatewayError {
  constructor() {
    super('shutting_down', 503, 'The gateway is shutting down; retry on another replica', { retryable: true });
  }
}

export class StateUnavailableError extends GatewayError {
  constructor(message: string, cause?: unknown) {
    super('state_unavailable', 503, message, { retryable: true, cause });
  }
}

/** The provider answered with an error status (or an error frame mid-stream). */
export class UpstreamError extends GatewayError {
  readonly upstreamStatus: number;
  readonly upstreamCode: string | null;
  constructor(opts: {
    status: number;
    message: string;
    upstreamCode?: string | null;
    type?: string;
    param?: string | null;
    retryable: boolean;
    retryAfterSeconds?: number;
    deployment?: string;
  }) {
    super('upstream_error', opts.status, opts.message, {
      type: opts.type ?? defaultType(opts.status),
      retryable: opts.retryable,
      param: opts.param ?? null,
      retryAfterSeconds: opts.retryAfterSeconds,
      details: {
        upstream_status: opts.status,
        upstream_code: opts.upstreamCode ?? null,
        ...(opts.deployment ? { deployment: opts.deployment } : {}),
      },
    });
    this.upstreamStatus = opts.status;
    this.upstreamCode = opts.upstreamCode ?? null;
  }
}

/** The provider could not be reached, timed out, or sent something unreadable. */
export class UpstreamUnavailableError extends GatewayError {
  constructor(code: 'upstream_unreachable' | 'upstream_timeout' | 'upstream_protocol_error', message: string, cause?: unknown) {
    super(code, code === 'upstream_timeout' ? 504 : 502, message, { retryable: true, cause });
  }
}

/** A stream the upstream ended (or dropped) before its terminator: the answer is incomplete. */
export class StreamIncompleteError extends GatewayError {
  constructor(deployment: string, detail: string, cause?: unknown) {
    super('upstream_stream_incomplete', 502, `${deployment} ended the stream before it was complete (${detail})`, {
      retryable: true,
      cause,
      details: { deployment },
    });
  }
}

export class InternalError extends GatewayError {
  constructor(cause: unknown) {
    super('internal_error', 500, 'Internal gateway error; the request id identifies it in the logs', { cause });
  }
}

export function toGatewayError(err: unknown): GatewayError {
  return err instanceof GatewayError ? err : new InternalError(err);
}
