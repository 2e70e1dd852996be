// Renders a completion plan as Gemini output (providers.md §5): one GenerateContentResponse, or the
// chunks of a stream. Pure: ids come in the envelope, so the server and samples.ts share this code.
//
// - Function calls are whole (`args` an object) and carry ids; they end with finishReason STOP.
// - With reasoning tokens scripted, a thoughtSignature rides on the first non-thought part (the first
//   functionCall, or the text); thought parts (`thought: true`) are sent only when the request asked
//   for them (thinkingConfig.includeThoughts). thoughtsTokenCount is reported BESIDE
//   candidatesTokenCount; cached tokens are INSIDE promptTokenCount (cachedContentTokenCount).
// - usageMetadata is on every chunk, cumulative; zero counts are left out, as proto3 JSON does.
//
// Stream layout: thought chunks (head, when returned), one chunk per text token or one per whole
// function call (deltas, counted by cut_after / error_after), then a last chunk with an empty text
// part, finishReason and the final usage (tail). No [DONE]: the connection close ends the stream.
import type { CompletionPlan, Delta } from '../completion-plan.js';
import type { StreamFrames } from '../stream-writer.js';

export interface ResponseEnvelope {
  readonly responseId: string;
  readonly modelVersion: string;
}

export interface GeminiUsageCounts {
  /** Includes cached. */
  readonly promptTokens: number;
  readonly cachedTokens: number;
  /** Excludes thoughts. */
  readonly candidatesTokens: number;
  readonly thoughtsTokens: number;
}

export interface RenderOptions {
  readonly includeThoughts: boolean;
  /** The candidate's finishReason (STOP, MAX_TOKENS, or a scripted one). */
  readonly finishReason: string;
}

/**
 * A stream's chunks as JSON texts (SSE `data:` payloads, or elements of the JSON array a stream
 * without alt=sse is), plus the output tokens each delta chunk carries (for billing a broken stream).
 */
export interface GeminiStreamChunks extends StreamFrames {
  readonly deltaTokens: readonly number[];
}

/** The chunks as SSE frames. */
export function sseFrames(c: StreamFrames): StreamFrames {
  const frame = (json: string): string => `data: ${json}\n\n`;
  return { head: c.head.map(frame), deltas: c.deltas.map(frame), tail: c.tail.map(frame) };
}

export const THOUGHT_TEXT = ['Let me think', ' this through.'] as const;
/** A fixed stand-in for Gemini's opaque signature (base64 of "tollgate-mock-thought-signature"). */
export const THOUGHT_SIGNATURE = 'dG9sbGdhdGUtbW9jay10aG91Z2h0LXNpZ25hdHVyZQ==';

const FILTERED = new Set(['SAFETY', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY', 'IMAGE_PROHIBITED_CONTENT']);
const FILTER_RATING = { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true };

type Part = Record<string, unknown>;

export function usageMetadata(u: GeminiUsageCounts): Record<string, unknown> {
  const m: Record<string, unknown> = { promptTokenCount: u.promptTokens };
  if (u.candidatesTokens > 0) m['candidatesTokenCount'] = u.candidatesTokens;
  m['totalTokenCount'] = u.promptTokens + u.candidatesTokens + u.thoughtsTokens;
  if (u.cachedTokens > 0) m['cachedContentTokenCount'] = u.cachedTokens;
  m['promptTokensDetails'] = [{ modality: 'TEXT', tokenCount: u.promptTokens }];
  if (u.cachedTokens > 0) m['cacheTokensDetails'] = [{ modality: 'TEXT', tokenCount: u.cachedTokens }];
  if (u.thoughtsTokens > 0) m['thoughtsTokenCount'] = u.thoughtsTokens;
  return m;
}

function args(json: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(json);
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // Arguments cut by the token cap: the call is sent with what parses, i.e. nothing.
  }
  return {};
}

function callPart(id: string, name: string, json: string): Part {
  return { functionCall: { id, name, args: args(json) } };
}

function candidate(parts: readonly Part[], finishReason: string | undefined): Record<string, unknown> {
  const c: Record<string, unknown> = { content: parts.length > 0 ? { parts, role: 'model' } : { role: 'model' } };
  if (finishReason !== undefined) {
    c['finishReason'] = finishReason;
    if (FILTERED.has(finishReason)) c['safetyRatings'] = [FILTER_RATING];
  }
  c['index'] = 0;
  return c;
}

function signed(parts: Part[], u: GeminiUsageCounts): Part[] {
  const first = parts[0];
  if (u.thoughtsTokens > 0 && first !== undefined) parts[0] = { ...first, thoughtSignature: THOUGHT_SIGNATURE };
  return parts;
}

export function encodeGenerateResponse(env: ResponseEnvelope, plan: CompletionPlan, u: GeminiUsageCounts, o: RenderOptions): string {
  const answer: Part[] = plan.calls.length > 0 ? plan.calls.map((c) => callPart(c.id, c.name, c.arguments)) : plan.text !== '' ? [{ text: plan.text }] : [];
  const thoughts: Part[] = o.includeThoughts && u.thoughtsTokens > 0 ? [{ text: THOUGHT_TEXT.join(''), thought: true }] : [];
  const body = {
    candidates: [candidate([...thoughts, ...signed(answer, u)], o.finishReason)],
    usageMetadata: usageMetadata(u),
    modelVersion: env.modelVersion,
    responseId: env.responseId,
  };
  return JSON.stringify(body, null, 2);
}

function chunkJson(env: ResponseEnvelope, parts: readonly Part[], finishReason: string | undefined, u: GeminiUsageCounts): string {
  return JSON.stringify({ candidates: [candidate(parts, finishReason)], usageMetadata: usageMetadata(u), modelVersion: env.modelVersion, responseId: env.responseId });
}

/** The plan's deltas as Gemini sends them: a text token each, or one whole call per frame. */
function answerFrames(plan: CompletionPlan): { parts: Part[]; tokens: number }[] {
  if (plan.calls.length === 0) return plan.deltas.filter((d): d is Extract<Delta, { kind: 'text' }> => d.kind === 'text').map((d) => ({ parts: [{ text: d.text }], tokens: d.tokens }));
  const tokens = new Map<number, number>();
  for (const d of plan.deltas) if (d.kind !== 'text') tokens.set(d.call, (tokens.get(d.call) ?? 0) + d.tokens);
  return plan.calls.map((c, k) => ({ parts: [callPart(c.id, c.name, c.arguments)], tokens: tokens.get(k) ?? 0 }));
}

export function encodeGenerateStream(env: ResponseEnvelope, plan: CompletionPlan, u: GeminiUsageCounts, o: RenderOptions): GeminiStreamChunks {
  const at = (candidates: number): GeminiUsageCounts => ({ ...u, candidatesTokens: candidates });
  const head = o.includeThoughts && u.thoughtsTokens > 0 ? THOUGHT_TEXT.map((t) => chunkJson(env, [{ text: t, thought: true }], undefined, at(0))) : [];
  const deltas: string[] = [];
  const deltaTokens: number[] = [];
  let sent = 0;
  answerFrames(plan).forEach((f, k) => {
    sent += f.tokens;
    deltas.push(chunkJson(env, k === 0 ? signed(f.parts, u) : f.parts, undefined, at(sent)));
    deltaTokens.push(f.tokens);
  });
  const tail = [chunkJson(env, [{ text: '' }], o.finishReason, u)];
  return { head, deltas, tail, deltaTokens };
}

/** A prompt Gemini refuses to answer: no candidates, only the block reason (and the prompt's count). */
export function encodeBlockedResponse(env: ResponseEnvelope, promptTokens: number, blockReason: string): Record<string, unknown> {
  return {
    promptFeedback: { blockReason, safetyRatings: [{ ...FILTER_RATING }] },
    usageMetadata: { promptTokenCount: promptTokens, totalTokenCount: promptTokens, promptTokensDetails: [{ modality: 'TEXT', tokenCount: promptTokens }] },
    modelVersion: env.modelVersion,
    responseId: env.responseId,
  };
}
