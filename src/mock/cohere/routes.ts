// POST /v2/chat and POST /v2/embed — Cohere's v2 API. Like the real one, it demands
// `Authorization: Bearer <key>` (any key, or the configured one with requireKey); errors come in
// Cohere's shape (`{"message"}`). Faults, barrier, latency and the bill are the shared engine's
// (../inference.ts).
import { randomUUID } from 'node:crypto';
import { baseHeaders, replyError, replyRejected, type Exchange } from '../exchange.js';
import { writeJson } from '../http-io.js';
import { serveInference } from '../inference.js';
import { answerCohereChat } from './chat-answer.js';
import { parseCohereChatBody, type CohereChatCall } from './chat-request.js';
import { encodeCohereEmbed, parseCohereEmbedBody, type CohereEmbedCall } from './embed.js';
import { COHERE_WIRE, cohereErrorBody } from './wire.js';

export const COHERE_CHAT_PATH = '/v2/chat';
export const COHERE_EMBED_PATH = '/v2/embed';

// Never echoes the key it got.
const NO_KEY = cohereErrorBody('no api key supplied');
const BAD_KEY = cohereErrorBody('invalid api token');
const BEARER = 'Bearer ';

/** True when the request may go on; otherwise the 401 has been sent. */
function authorized(ex: Exchange): boolean {
  const auth = ex.req.headers.authorization;
  const key = auth?.startsWith(BEARER) ? auth.slice(BEARER.length) : '';
  if (key === '') replyError(ex, COHERE_WIRE, 401, NO_KEY);
  else if (ex.state.requireKey !== undefined && key !== ex.state.requireKey) replyError(ex, COHERE_WIRE, 401, BAD_KEY);
  else return true;
  return false;
}

export async function handleCohereChat(ex: Exchange): Promise<void> {
  ex.state.ledger.noteReceived();
  if (!authorized(ex)) return;
  let call: CohereChatCall;
  try {
    call = parseCohereChatBody(ex.body);
  } catch (err) {
    return replyRejected(ex, COHERE_WIRE, err);
  }
  ex.state.seenModels.add(call.model);
  await serveInference(ex, COHERE_WIRE, { model: call.model, deployment: undefined }, (faults, headers) => answerCohereChat(ex, call, faults, headers));
}

export async function handleCohereEmbed(ex: Exchange): Promise<void> {
  ex.state.ledger.noteReceived();
  if (!authorized(ex)) return;
  let call: CohereEmbedCall;
  try {
    call = parseCohereEmbedBody(ex.body);
  } catch (err) {
    return replyRejected(ex, COHERE_WIRE, err);
  }
  ex.state.seenModels.add(call.model);
  await serveInference(ex, COHERE_WIRE, { model: call.model, deployment: undefined }, (_faults, extra) => {
    const headers = baseHeaders(ex, COHERE_WIRE);
    for (const h of extra) headers.push(h);
    writeJson(ex.res, 200, encodeCohereEmbed(call, randomUUID()), headers);
    return { model: call.model, promptTokens: call.promptTokens, completionTokens: 0, cachedTokens: 0, reasoningTokens: 0 };
  });
}
