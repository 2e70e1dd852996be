// The OpenAI routes: POST /v1/chat/completions, POST /v1/embeddings, GET /v1/models.
// Auth is `Authorization: Bearer <key>`, checked only when the mock was started with requireKey.

import { baseHeaders, replyError, replyRejected, type Exchange } from '../exchange.js';
import { writeJson } from '../http-io.js';
import { serveInference } from '../inference.js';
import { answerChat } from './chat-answer.js';
import { OPENAI_FLAVOR } from './chat-encode.js';
import { parseChatBody, type ChatCall } from './chat-request.js';
import { encodeEmbeddings, parseEmbeddingsBody, type EmbeddingsCall } from './embeddings.js';
import { OPENAI_WIRE, openaiErrorBody } from './wire.js';

// Never echoes the key it got (a gateway that leaks keys into logs should not find them here either).
const UNAUTHORIZED = openaiErrorBody(
  'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.',
  'invalid_request_error',
  null,
  'invalid_api_key',
);

function authorized(ex: Exchange): boolean {
  const required = ex.state.requiredBearer;
  return required === undefined || ex.req.headers.authorization === required;
}

export async function handleChat(ex: Exchange): Promise<void> {
  ex.state.ledger.noteReceived();
  if (!authorized(ex)) return replyError(ex, OPENAI_WIRE, 401, UNAUTHORIZED);
  let call: ChatCall;
  try {
    call = parseChatBody(ex.body, true);
  } catch (err) {
    return replyRejected(ex, OPENAI_WIRE, err);
  }
  const model = call.model ?? '';
  ex.state.seenModels.add(model);
  const opts = { wire: OPENAI_WIRE, flavor: OPENAI_FLAVOR, responseModel: model, billModel: model };
  await serveInference(ex, OPENAI_WIRE, { model, deployment: undefined }, (faults, headers) =>
    answerChat(ex, call, faults, headers, opts),
  );
}

export async function handleEmbeddings(ex: Exchange): Promise<void> {
  ex.state.ledger.noteReceived();
  if (!authorized(ex)) return replyError(ex, OPENAI_WIRE, 401, UNAUTHORIZED);
  let call: EmbeddingsCall;
  try {
    call = parseEmbeddingsBody(ex.body, true);
  } catch (err) {
    return replyRejected(ex, OPENAI_WIRE, err);
  }
  const model = call.model ?? '';
  ex.state.seenModels.add(model);
  await serveInference(ex, OPENAI_WIRE, { model, deployment: undefined }, (_faults, extra) => {
    const headers = baseHeaders(ex, OPENAI_WIRE);
    for (const h of extra) headers.push(h);
    writeJson(ex.res, 200, encodeEmbeddings(call, model), headers);
    return { model, promptTokens: call.promptTokens, completionTokens: 0, cachedTokens: 0, reasoningTokens: 0 };
  });
}

export const BUILT_IN_MODELS: readonly string[] = Object.freeze([
  'gpt-4o',
  'gpt-4o-mini',
  'gpt-4.1',
  'gpt-4.1-mini',
  'o4-mini',
  'text-embedding-3-small',
  'text-embedding-3-large',
]);

// A fixed date: listing must be deterministic across runs.
const MODEL_CREATED = 1_700_000_000;

/** Not an inference request: not counted in the stats. */
export function handleModels(ex: Exchange): void {
  if (!authorized(ex)) return writeJson(ex.res, 401, UNAUTHORIZED, baseHeaders(ex, OPENAI_WIRE));
  const ids = new Set([...BUILT_IN_MODELS, ...ex.state.seenModels]);
  const data = [...ids].map((id) => ({ id, object: 'model', created: MODEL_CREATED, owned_by: 'tollgate-mock' }));
  writeJson(ex.res, 200, JSON.stringify({ object: 'list', data }), baseHeaders(ex, OPENAI_WIRE));
}
