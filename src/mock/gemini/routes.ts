// Gemini's routes (providers.md §5), AI Studio and Vertex AI:
//   POST /v1beta/models/{m}:generateContent | :streamGenerateContent[?alt=sse] | :batchEmbedContents |
//        :embedContent | :countTokens                      — key in x-goog-api-key or ?key=
//   POST /v1[beta1]/projects/{p}/locations/{l}/publishers/google/models/{m}:generateContent |
//        :streamGenerateContent[?alt=sse] | :predict | :countTokens   — Authorization: Bearer <token>
// Like the real APIs: AI Studio without a key is 403 PERMISSION_DENIED and with a wrong one (under
// requireKey) 400 API_KEY_INVALID; Vertex without a Bearer token is 401 UNAUTHENTICATED. Keys are never
// echoed. Faults, barrier, latency and the bill are the shared engine's (../inference.ts).
import { baseHeaders, replyError, replyRejected, type Exchange } from '../exchange.js';
import { writeJson } from '../http-io.js';
import { serveInference } from '../inference.js';
import type { WireSpec } from '../wire.js';
import { countTokens, encodeBatchEmbed, encodeEmbedContent, encodePredict, parseBatchEmbed, parseEmbedContent, parsePredict, type EmbedCall } from './embeddings.js';
import { geminiFaults, type GeminiFaults } from './gemini-faults.js';
import { answerGenerate, type AnswerMode } from './generate-answer.js';
import { parseGenerateBody, type GenerateCall } from './generate-request.js';
import { parseGeminiPath, type GeminiRoute } from './paths.js';
import { geminiWireFor, googleErrorBody } from './wire.js';

export { isGeminiPath } from './paths.js';

const NO_KEY = googleErrorBody(
  403,
  "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
);
const BAD_KEY = googleErrorBody(400, 'API key not valid. Please pass a valid API key.', [
  { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } },
]);
const OAUTH_HINT = 'Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';
const NO_TOKEN = googleErrorBody(401, `Request is missing required authentication credential. ${OAUTH_HINT}`);
const BAD_TOKEN = googleErrorBody(401, `Request had invalid authentication credentials. ${OAUTH_HINT}`);
const BEARER = 'Bearer ';

function header(ex: Exchange, name: string): string | undefined {
  const v = ex.req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The error to answer when the request is not authenticated, or undefined. */
function authFailure(ex: Exchange, route: GeminiRoute): { status: number; body: string } | undefined {
  const required = ex.state.requireKey;
  if (route.flavor === 'gemini') {
    const key = header(ex, 'x-goog-api-key') ?? new URLSearchParams(ex.query).get('key') ?? '';
    if (key === '') return { status: 403, body: NO_KEY };
    return required !== undefined && key !== required ? { status: 400, body: BAD_KEY } : undefined;
  }
  const auth = header(ex, 'authorization');
  const token = auth?.startsWith(BEARER) ? auth.slice(BEARER.length).trim() : '';
  if (token === '') return { status: 401, body: NO_TOKEN };
  return required !== undefined && token !== required ? { status: 401, body: BAD_TOKEN } : undefined;
}

function notFound(route: GeminiRoute | undefined, path: string): string {
  if (route === undefined) return googleErrorBody(404, `Method not found: ${path}`);
  if (route.flavor === 'vertex' && route.publisher !== 'google') return googleErrorBody(404, `Publisher Model \`${path.slice(1, path.lastIndexOf(':'))}\` was not found or your project does not have access to it.`);
  return googleErrorBody(404, `models/${route.model} is not found for API version ${path.split('/')[1] ?? 'v1beta'}, or is not supported for ${route.method}. Call ListModels to see the list of available models and their supported methods.`);
}

async function generate(ex: Exchange, wire: WireSpec, route: GeminiRoute, mode: AnswerMode): Promise<void> {
  let call: GenerateCall;
  let gemini: GeminiFaults;
  try {
    gemini = geminiFaults(ex.req.headers);
    call = parseGenerateBody(ex.body, route.model, route.flavor);
  } catch (err) {
    return replyRejected(ex, wire, err);
  }
  ex.state.seenModels.add(route.model);
  await serveInference(ex, wire, { model: route.model, deployment: undefined }, (faults, headers) => answerGenerate(ex, wire, call, mode, faults, gemini, headers));
}

async function embed(ex: Exchange, wire: WireSpec, route: GeminiRoute, parse: () => EmbedCall, encode: (c: EmbedCall) => string): Promise<void> {
  let call: EmbedCall;
  try {
    call = parse();
  } catch (err) {
    return replyRejected(ex, wire, err);
  }
  ex.state.seenModels.add(route.model);
  await serveInference(ex, wire, { model: route.model, deployment: undefined }, (_faults, extra) => {
    const headers = baseHeaders(ex, wire);
    for (const h of extra) headers.push(h);
    writeJson(ex.res, 200, encode(call), headers);
    return { model: route.model, promptTokens: call.promptTokens, completionTokens: 0, cachedTokens: 0, reasoningTokens: 0 };
  });
}

/** countTokens is free on Gemini: answered directly, not billed, no faults. */
function count(ex: Exchange, wire: WireSpec, route: GeminiRoute): void {
  let body: string;
  try {
    body = countTokens(ex.body, route);
  } catch (err) {
    return replyRejected(ex, wire, err);
  }
  writeJson(ex.res, 200, body, baseHeaders(ex, wire));
}

export async function handleGemini(ex: Exchange): Promise<void> {
  ex.state.ledger.noteReceived();
  const wire = geminiWireFor(ex.req.headers['x-mock-retry-after']);
  const route = parseGeminiPath(ex.path);
  if (route === undefined || ex.req.method !== 'POST' || (route.flavor === 'vertex' && route.publisher !== 'google')) {
    return replyError(ex, wire, 404, notFound(route, ex.path));
  }
  const denied = authFailure(ex, route);
  if (denied !== undefined) return replyError(ex, wire, denied.status, denied.body);
  const studio = route.flavor === 'gemini';
  switch (route.method) {
    case 'generateContent':
      return generate(ex, wire, route, 'json');
    case 'streamGenerateContent':
      return generate(ex, wire, route, new URLSearchParams(ex.query).get('alt') === 'sse' ? 'sse' : 'array');
    case 'countTokens':
      return count(ex, wire, route);
    case 'batchEmbedContents':
      if (studio) return embed(ex, wire, route, () => parseBatchEmbed(ex.body, route), encodeBatchEmbed);
      break;
    case 'embedContent':
      if (studio) return embed(ex, wire, route, () => parseEmbedContent(ex.body, route), encodeEmbedContent);
      break;
    case 'predict':
      if (!studio) return embed(ex, wire, route, () => parsePredict(ex.body), encodePredict);
      break;
  }
  return replyError(ex, wire, 404, notFound(route, ex.path));
}
