// Bedrock Runtime: POST /model/{modelId}/converse, /converse-stream, and /invoke (embeddings), the
// model id percent-encoded as one path segment. Authentication first (Bearer API key, or SigV4
// verified against the test credential pair), as AWS does; then the body; then the shared engine's
// faults, barrier, latency and bill (../inference.ts). Errors in Bedrock's shape, x-amzn-RequestId on all.
import { GatewayError } from '../../core/errors.js';
import { baseHeaders, replyError, replyRejected, type Exchange } from '../exchange.js';
import { writeJson } from '../http-io.js';
import { serveInference } from '../inference.js';
import { authenticate } from './auth.js';
import { answerConverse } from './converse-answer.js';
import { parseConverseBody, type ConverseCall } from './converse-request.js';
import { bad } from './converse-shape.js';
import { parseInvokeEmbeddings, type EmbeddingsCall } from './invoke-embeddings.js';
import { cacheWriteTokens } from './usage.js';
import { BEDROCK_WIRE, bedrockErrorBody, errorTypeHeader, tagErrorTypes } from './wire.js';

export const BEDROCK_PREFIX = '/model/';

const ROUTE = /^\/model\/([^/]+)\/(converse|converse-stream|invoke)$/;
const UNKNOWN_OPERATION = bedrockErrorBody('Unknown Operation');

function modelIdOf(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

export async function handleBedrock(ex: Exchange): Promise<void> {
  tagErrorTypes(ex.res);
  const m = ROUTE.exec(ex.path);
  const modelId = m === null ? undefined : modelIdOf(m[1] as string);
  if (m === null || modelId === undefined || ex.req.method !== 'POST') {
    // Not an inference request: answered, not counted.
    return writeJson(ex.res, 404, UNKNOWN_OPERATION, [...baseHeaders(ex, BEDROCK_WIRE), ...errorTypeHeader('UnknownOperationException')]);
  }
  ex.state.ledger.noteReceived();
  const failure = await authenticate(ex);
  if (failure !== undefined) return replyError(ex, BEDROCK_WIRE, failure.status, bedrockErrorBody(failure.message), errorTypeHeader(failure.exception));
  ex.state.seenModels.add(modelId);
  if (m[2] === 'invoke') return invoke(ex, modelId);

  let call: ConverseCall;
  let cacheWrite: number;
  try {
    call = parseConverseBody(ex.body);
    cacheWrite = cacheWriteTokens(ex.req.headers);
  } catch (err) {
    if (err instanceof GatewayError) return replyRejected(ex, BEDROCK_WIRE, err);
    throw err;
  }
  const target = { modelId, stream: m[2] === 'converse-stream', cacheWrite };
  await serveInference(ex, BEDROCK_WIRE, { model: modelId, deployment: undefined }, (faults, headers) => answerConverse(ex, call, target, faults, headers));
}

async function invoke(ex: Exchange, modelId: string): Promise<void> {
  let call: EmbeddingsCall | undefined;
  try {
    call = parseInvokeEmbeddings(modelId, ex.body);
    if (call === undefined) throw bad(`tollgate mock: InvokeModel is simulated only for amazon.titan-embed-text-v2 and cohere.embed-* models, not '${modelId}'`, 'modelId');
  } catch (err) {
    return replyRejected(ex, BEDROCK_WIRE, err);
  }
  const c = call;
  await serveInference(ex, BEDROCK_WIRE, { model: modelId, deployment: undefined }, (_faults, extra) => {
    const headers = baseHeaders(ex, BEDROCK_WIRE);
    for (const h of extra) headers.push(h);
    headers.push('X-Amzn-Bedrock-Input-Token-Count', String(c.promptTokens), 'X-Amzn-Bedrock-Invocation-Latency', String(Date.now() - ex.started));
    writeJson(ex.res, 200, c.render(ex.state.ids.next('emb_')), headers);
    return { model: modelId, promptTokens: c.promptTokens, completionTokens: 0, cachedTokens: 0, reasoningTokens: 0 };
  });
}
