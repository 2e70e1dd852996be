// Azure OpenAI's dated, deployment-scoped routes:
//   POST /openai/deployments/{deployment}/chat/completions?api-version=…
//   POST /openai/deployments/{deployment}/embeddings?api-version=…
// The api-version query parameter is required (400 otherwise) and so is the `api-key` header (401
// when missing, or when it differs from requireKey). `model` in the body is optional; the response's
// `model` and the ledger key are the deployment name. Real Azure echoes the underlying base model;
// naming the deployment lets tests tell deployments apart.

import { baseHeaders, replyError, replyRejected, type Exchange } from '../exchange.js';
import { writeJson } from '../http-io.js';
import { serveInference } from '../inference.js';
import { answerChat } from '../openai/chat-answer.js';
import { parseChatBody, type ChatCall } from '../openai/chat-request.js';
import { encodeEmbeddings, parseEmbeddingsBody, type EmbeddingsCall } from '../openai/embeddings.js';
import { AZURE_FLAVOR } from './content-filter.js';
import { AZURE_MISSING_API_VERSION, AZURE_NOT_FOUND, AZURE_UNAUTHORIZED, AZURE_WIRE } from './wire.js';

export const AZURE_DEPLOYMENTS_PREFIX = '/openai/deployments/';

type Operation = 'chat' | 'embeddings';

function operationOf(op: string): Operation | undefined {
  if (op === 'chat/completions') return 'chat';
  if (op === 'embeddings') return 'embeddings';
  return undefined;
}

function hasApiVersion(query: string): boolean {
  if (query === '') return false;
  const v = new URLSearchParams(query).get('api-version');
  return v !== null && v !== '';
}

function authorized(ex: Exchange): boolean {
  const key = ex.req.headers['api-key'];
  if (typeof key !== 'string' || key === '') return false;
  return ex.state.requireKey === undefined || key === ex.state.requireKey;
}

async function chat(ex: Exchange, deployment: string): Promise<void> {
  let call: ChatCall;
  try {
    call = parseChatBody(ex.body, false);
  } catch (err) {
    return replyRejected(ex, AZURE_WIRE, err);
  }
  ex.state.seenModels.add(deployment);
  const opts = { wire: AZURE_WIRE, flavor: AZURE_FLAVOR, responseModel: deployment, billModel: deployment };
  await serveInference(ex, AZURE_WIRE, { model: call.model ?? deployment, deployment }, (faults, headers) =>
    answerChat(ex, call, faults, headers, opts),
  );
}

async function embeddings(ex: Exchange, deployment: string): Promise<void> {
  let call: EmbeddingsCall;
  try {
    call = parseEmbeddingsBody(ex.body, false);
  } catch (err) {
    return replyRejected(ex, AZURE_WIRE, err);
  }
  ex.state.seenModels.add(deployment);
  await serveInference(ex, AZURE_WIRE, { model: call.model ?? deployment, deployment }, (_faults, extra) => {
    const headers = baseHeaders(ex, AZURE_WIRE);
    for (const h of extra) headers.push(h);
    writeJson(ex.res, 200, encodeEmbeddings(call, deployment), headers);
    return {
      model: deployment,
      promptTokens: call.promptTokens,
      completionTokens: 0,
      cachedTokens: 0,
      reasoningTokens: 0,
    };
  });
}

/** Handles any path under /openai/deployments/. */
export async function handleAzure(ex: Exchange): Promise<void> {
  const rest = ex.path.slice(AZURE_DEPLOYMENTS_PREFIX.length);
  const slash = rest.indexOf('/');
  const op = slash > 0 ? operationOf(rest.slice(slash + 1)) : undefined;
  let deployment: string | undefined;
  try {
    deployment = op === undefined || ex.req.method !== 'POST' ? undefined : decodeURIComponent(rest.slice(0, slash));
  } catch {
    deployment = undefined;
  }
  // Not an inference request, so not counted in the stats.
  if (op === undefined || deployment === undefined) return writeJson(ex.res, 404, AZURE_NOT_FOUND, baseHeaders(ex, AZURE_WIRE));
  ex.state.ledger.noteReceived();
  if (!hasApiVersion(ex.query)) return replyError(ex, AZURE_WIRE, 400, AZURE_MISSING_API_VERSION);
  if (!authorized(ex)) return replyError(ex, AZURE_WIRE, 401, AZURE_UNAUTHORIZED);
  return op === 'chat' ? chat(ex, deployment) : embeddings(ex, deployment);
}
