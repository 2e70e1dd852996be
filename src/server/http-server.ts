// The data plane's HTTP server (node:http, no framework: the hop must cost next to nothing).
// Parses once, assigns the request id, authenticates, decodes the surface, and hands a frozen
// request to the pipeline. Owns graceful shutdown.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import {
  MethodNotAllowedError,
  RouteNotFoundError,
  ShuttingDownError,
  toGatewayError,
} from '../core/errors.js';
import { newRequestId } from '../core/request-id.js';
import type { ConfigHolder } from '../config/config-holder.js';
import type { RuntimeConfig } from '../config/runtime.js';
import type { KeyDirectory } from '../policy/key-directory.js';
import type { InferencePipeline } from '../pipeline/inference.js';
import type { RequestContext } from '../pipeline/request-context.js';
import { sendError } from '../pipeline/send-error.js';
import { recordOutcome } from '../pipeline/outcome.js';
import { decodeChatRequest } from '../surfaces/openai-chat/decode.js';
import { decodeMessagesRequest } from '../surfaces/anthropic-messages/decode.js';
import { decodeEmbeddingsRequest } from '../surfaces/embeddings/decode.js';
import { decodeResponses } from '../surfaces/openai-responses/decode.js';
import { geminiClientKey } from '../surfaces/gemini-generate/auth.js';
import { decodeGenerateContentRequest, geminiIgnoredHints } from '../surfaces/gemini-generate/decode.js';
import { matchGeminiRoute } from '../surfaces/gemini-generate/path.js';
import type { Wire } from '../core/chat.js';
import { modelsListBody } from '../surfaces/models/list.js';
import type { Metrics } from '../telemetry/metrics.js';
import { handleAdmin, type AdminDeps } from './admin/admin-api.js';
import { ADMIN_OPENAPI_JSON } from './admin/openapi.js';
import { handleReady, type ReadinessCheck } from './health.js';
import { NodeSink } from './node-sink.js';
import { parseJson, readBody } from './read-body.js';
import { matchRoute, normalisePath, type Route } from './routes.js';

export interface ServerDeps {
  readonly config: ConfigHolder;
  readonly pipeline: InferencePipeline;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly readiness: readonly ReadinessCheck[];
  readonly admin: Omit<AdminDeps, 'holder'>;
  readonly keys: KeyDirectory;
}

/** `anthropic-version` and `anthropic-beta` as the client sent them (they change what the body means). */
function anthropicWireHeaders(h: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['anthropic-version', 'anthropic-beta']) {
    const v = h[name];
    if (v !== undefined) out[name] = Array.isArray(v) ? v.join(',') : v;
  }
  return out;
}

export class GatewayServer {
  readonly #deps: ServerDeps;
  readonly #server: Server;
  #inFlight = 0;
  #shuttingDown = false;
  #drained: (() => void) | undefined;

  constructor(deps: ServerDeps) {
    this.#deps = deps;
    deps.metrics.readInFlightFrom(() => this.#inFlight);
    this.#server = createServer({ keepAlive: true, noDelay: true }, (req, res) => this.#onRequest(req, res));
    this.#server.keepAliveTimeout = 65_000;
    this.#server.headersTimeout = 66_000;
    // Streams may run for minutes; per-request limits live in the pipeline's upstream timeouts.
    this.#server.requestTimeout = 0;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve(this.#server.address() as AddressInfo);
      });
    });
  }

  /**
   * Stops accepting connections, lets in-flight requests and streams finish until `graceMs`,
   * then closes whatever is left. Resolves when the server is closed.
   */
  async shutdown(graceMs: number): Promise<{ forced: number }> {
    this.#shuttingDown = true;
    const closed = new Promise<void>((r) => this.#server.close(() => r()));
    this.#server.closeIdleConnections();
    let forced = 0;
    if (this.#inFlight > 0) {
      const drained = new Promise<void>((r) => (this.#drained = r));
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), graceMs)));
      if ((await Promise.race([drained, timedOut])) === 'timeout') forced = this.#inFlight;
      clearTimeout(timer);
    }
    this.#server.closeAllConnections();
    await closed;
    return { forced };
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    const receivedAt = performance.now();
    const requestId = newRequestId();
    res.setHeader('x-tollgate-request-id', requestId);
    this.#inFlight++;
    res.once('close', () => {
      this.#inFlight--;
      if (this.#inFlight === 0 && this.#drained) this.#drained();
    });
    const cfg = this.#deps.config.current;
    const path = normalisePath(req.url ?? '/');
    let route: Route | undefined;
    try {
      if (this.#shuttingDown) {
        res.setHeader('connection', 'close');
        throw new ShuttingDownError();
      }
      // Gemini names the model and method in the path (`/v1beta/models/{m}:generateContent`), and
      // streams need the query (`alt=sse`): matched on the raw URL, only when the path has a colon.
      const gemini = path.includes(':') ? matchGeminiRoute(req.url ?? '/') : undefined;
      if (gemini !== undefined) {
        route = gemini.kind === 'generate' ? { kind: 'gemini', name: gemini.name, model: gemini.model, stream: gemini.stream } : { kind: 'gemini', name: 'gemini', model: '', stream: false };
        if (gemini.kind === 'refused') throw gemini.error;
        if (req.method !== 'POST') throw new MethodNotAllowedError(req.method ?? '', path);
      } else {
        const m = matchRoute(req.method ?? 'GET', path);
        if (!m.ok) throw m.status === 405 ? new MethodNotAllowedError(req.method ?? '', path) : new RouteNotFoundError(req.method ?? '', path);
        route = m.route;
      }
      this.#dispatch(route, req, res, cfg, requestId, receivedAt).catch((err: unknown) => this.#fail(req, res, requestId, receivedAt, route, err));
    } catch (err) {
      this.#fail(req, res, requestId, receivedAt, route, err);
    }
  }

  async #dispatch(route: Route, req: IncomingMessage, res: ServerResponse, cfg: RuntimeConfig, requestId: string, receivedAt: number): Promise<void> {
    switch (route.kind) {
      case 'messages': {
        // Anthropic clients send their key as x-api-key (or Bearer); both are looked up the same way.
        const principal = await this.#deps.keys.authenticate(cfg, req.headers, Date.now());
        const raw = await readBody(req, cfg.server.bodyLimitBytes);
        const body = parseJson(raw);
        const ctx: RequestContext = { requestId, receivedAt, route: route.name, wire: 'anthropic-messages', config: cfg, principal, clientHeaders: req.headers, sink: new NodeSink(req, res) };
        // The exact text and the version/beta headers go with the request: an Anthropic deployment
        // gets the client's bytes (model aside) and the client's API version.
        await this.#deps.pipeline.chat(ctx, decodeMessagesRequest(body, { raw: raw.toString('utf8'), headers: anthropicWireHeaders(req.headers) }));
        return;
      }
      case 'gemini': {
        // Gemini clients send their key as x-goog-api-key or ?key=; it is looked up like any other.
        const key = geminiClientKey(req.headers, req.url ?? '/');
        const headers = key !== undefined ? { ...req.headers, authorization: `Bearer ${key}` } : req.headers;
        const principal = await this.#deps.keys.authenticate(cfg, headers, Date.now());
        const body = parseJson(await readBody(req, cfg.server.bodyLimitBytes));
        const ctx: RequestContext = { requestId, receivedAt, route: route.name, wire: 'gemini-generate', config: cfg, principal, clientHeaders: req.headers, sink: new NodeSink(req, res) };
        const chat = decodeGenerateContentRequest(body, { model: route.model, stream: route.stream });
        const ignored = geminiIgnoredHints(body);
        if (ignored.length > 0) this.#deps.logger.debug({ request_id: requestId, ignored }, 'Gemini hints without an equivalent were left out');
        await this.#deps.pipeline.chat(ctx, chat);
        return;
      }
      case 'responses': {
        // OpenAI Responses clients: translated to every provider through the canonical types (no
        // provider speaks this wire), the same pipeline as every route.
        const principal = await this.#deps.keys.authenticate(cfg, req.headers, Date.now());
        const body = parseJson(await readBody(req, cfg.server.bodyLimitBytes));
        const ctx: RequestContext = { requestId, receivedAt, route: route.name, wire: 'openai-responses', config: cfg, principal, clientHeaders: req.headers, sink: new NodeSink(req, res) };
        const decoded = decodeResponses(body);
        if (decoded.ignored.length > 0) this.#deps.logger.debug({ request_id: requestId, ignored: decoded.ignored }, 'Responses hints without an equivalent were left out');
        await this.#deps.pipeline.chat(ctx, decoded.request);
        return;
      }
      case 'chat':
      case 'embeddings': {
        const principal = await this.#deps.keys.authenticate(cfg, req.headers, Date.now());
        const body = parseJson(await readBody(req, cfg.server.bodyLimitBytes));
        // Azure-style URLs name the model in the path; the body's model is optional there.
        const withModel =
          route.azureDeployment !== undefined && body !== null && typeof body === 'object' && !Array.isArray(body)
            ? { ...(body as Record<string, unknown>), model: route.azureDeployment }
            : body;
        const ctx: RequestContext = { requestId, receivedAt, route: route.name, wire: 'openai-chat', config: cfg, principal, clientHeaders: req.headers, sink: new NodeSink(req, res) };
        if (route.kind === 'chat') await this.#deps.pipeline.chat(ctx, decodeChatRequest(withModel));
        else await this.#deps.pipeline.embeddings(ctx, decodeEmbeddingsRequest(withModel));
        return;
      }
      case 'models': {
        const principal = await this.#deps.keys.authenticate(cfg, req.headers, Date.now());
        const names = [...cfg.models.keys()].filter((n) => !principal.models || principal.models.has(n) || principal.models.has(cfg.models.get(n)!.name));
        sendJson(res, 200, modelsListBody(names, Math.floor(Date.now() / 1000)));
        return;
      }
      case 'admin-openapi':
        sendJson(res, 200, ADMIN_OPENAPI_JSON);
        return;
      case 'health-live':
        sendJson(res, 200, '{"status":"ok"}');
        return;
      case 'health-ready': {
        const r = await handleReady(cfg, this.#deps.readiness, this.#shuttingDown);
        sendJson(res, r.status, r.body);
        return;
      }
      case 'metrics': {
        const text = await this.#deps.metrics.registry.metrics();
        res.writeHead(200, { 'content-type': this.#deps.metrics.registry.contentType });
        res.end(text);
        return;
      }
      case 'admin-reload':
      case 'admin-deployments':
      case 'admin-spend':
      case 'admin-logs':
      case 'admin-reconcile':
      case 'admin-keys':
      case 'admin-users':
      case 'admin-teams':
      case 'admin-orgs': {
        const query = req.url?.includes('?') ? new URLSearchParams(req.url.slice(req.url.indexOf('?') + 1)) : new URLSearchParams();
        const method = req.method ?? 'GET';
        const raw = method === 'POST' || method === 'PATCH' ? await readBody(req, cfg.server.bodyLimitBytes) : undefined;
        // An empty body is fine where none is needed (reload); endpoints that need one say so.
        const body = raw && raw.length > 0 ? parseJson(raw) : undefined;
        const id = route.kind === 'admin-keys' || route.kind === 'admin-users' || route.kind === 'admin-teams' || route.kind === 'admin-orgs' ? route.id : undefined;
        const r = await handleAdmin(route.kind, cfg, req.headers, { method, id, query, body }, { ...this.#deps.admin, holder: this.#deps.config });
        sendJson(res, r.status, r.body);
        return;
      }
    }
  }

  /** Errors before the pipeline took the request (routing, auth, body, decoding). */
  #fail(req: IncomingMessage, res: ServerResponse, requestId: string, receivedAt: number, route: Route | undefined, err: unknown): void {
    const e = toGatewayError(err);
    if (e.code === 'internal_error') this.#deps.logger.error({ err, request_id: requestId }, 'internal error');
    if (!res.headersSent) {
      // Drain what the client is still sending so the connection stays usable.
      if (!req.complete) req.resume();
      sendError(requestId, new NodeSink(req, res), e, {}, wireOf(route));
    }
    recordOutcome(this.#deps.metrics, this.#deps.logger, {
      requestId,
      route: route?.name ?? 'unmatched',
      keyName: undefined,
      model: 'unknown',
      deployment: undefined,
      status: e.status,
      code: e.code,
      usage: null,
      attempts: 0,
      attemptLog: [],
      latencyMs: performance.now() - receivedAt,
      ttftMs: undefined,
      stream: false,
      upstreamStatus: undefined,
    });
  }
}

/** The wire a route's errors are written in, even when the request failed before decoding. */
function wireOf(route: Route | undefined): Wire {
  switch (route?.kind) {
    case 'messages':
      return 'anthropic-messages';
    case 'gemini':
      return 'gemini-generate';
    case 'responses':
      return 'openai-responses';
    default:
      return 'openai-chat';
  }
}

function sendJson(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

