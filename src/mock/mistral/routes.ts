// POST /mistral/v1/chat/completions and POST /mistral/v1/embeddings — Mistral's native API. The
// simulator's /v1/chat/completions is OpenAI's, so Mistral's dialect lives under /mistral: a
// mistral provider points its base_url at `{sim}/mistral/v1`. Like the real API it demands
// `Authorization: Bearer <key>` (any key, or the configured one with requireKey); errors come in
// Mistral's shape. Faults, barrier, latency and the bill are the shared engine's (../inference.ts).
import { baseHeaders, replyError, replyRejected, type Exchange } from '../exchange.js';
import { writeJson } from '../http-io.js';
import { serveInference } from '../inference.js';
import { answerMistralChat } from './chat-answer.js';
import { parseMistralChatBody, type MistralChatCall } from './chat-request.js';
import { encodeMistralEmbeddings, parseMistralEmbeddingsBody, type MistralEmbeddingsCall } from './embeddings.js';
import { MISTRAL_WIRE, mistralErrorBody } from './wire.js';

export const MISTRAL_CHAT_PATH = '/mistral/v1/chat/completions';
export const MISTRAL_EMBEDDINGS_PATH = '/mistral/v1/embeddings';

// Never echoes the key it got.
const UNAUTHORIZED = mistralErrorBody('Unauthorized', 'authentication_error');
const BEARER = 'Bearer ';

/** True when the request may go on; otherwise the 401 has been sent. */
function authorized(ex: Exchange): boolean {
  const auth = ex.req.headers.authorization;
  const key = auth?.startsWith(BEARER) ? auth.slice(BEARER.length) : '';
  if (key !== '' && (ex.state.requireKey === undefined || key === ex.state.requireKey)) return true;
  replyError(ex, MISTRAL_WIRE, 401, UNAUTHORIZED);
  return false;
}

export async function handleMistralChat(ex: Exchange): Promise<void> {
  ex.state.ledger.noteReceived();
  if (!authorized(ex)) return;
  let call: MistralChatCall;
  try {
    call = parseMistralChatBody(ex.body);
  } catch (err) {
    return replyRejected(ex, MISTRAL_WIRE, err);
  }
  ex.state.seenModels.add(call.model);
  await serveInference(ex, MISTRAL_WIRE, { model: call.model, deployment: undefined }, (faults, headers) => answerMistralChat(ex, call, faults, headers));
}

export async function handleMistralEmbeddings(ex: Exchange): Promise<void> {
  ex.state.ledger.noteReceived();
  if (!authorized(ex)) return;
  let call: MistralEmbeddingsCall;
  try {
    call = parseMistralEmbeddingsBody(ex.body);
  } catch (err) {
    return replyRejected(ex, MISTRAL_WIRE, err);
  }
  ex.state.seenModels.add(call.model);
  await serveInference(ex, MISTRAL_WIRE, { model: call.model, deployment: undefined }, (_faults, extra) => {
    const headers = baseHeaders(ex, MISTRAL_WIRE);
    for (const h of extra) headers.push(h);
    writeJson(ex.res, 200, encodeMistralEmbeddings(call, ex.state.ids.next('emb-')), headers);
    return { model: call.model, promptTokens: call.promptTokens, completionTokens: 0, cachedTokens: 0, reasoningTokens: 0 };
  });
}
