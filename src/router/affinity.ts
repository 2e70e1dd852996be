// Prompt-cache affinity: requests that share a prompt prefix go to the same deployment, so the
// provider's prefix cache warms (FAILURE-MODES C3). Rendezvous (highest-random-weight) hashing:
// every (key, deployment) pair gets a pseudo-random score and the highest wins. Removing a
// deployment remaps only the keys it was winning; no ring, no state, nothing to rebalance.
// Affinity never overrides health: the caller passes only deployments that are healthy and have
// rate-limit headroom, so a pinned deployment that degrades loses its keys at once.
import { createHash } from 'node:crypto';
import type { ChatMessage, ChatRequest, ContentPart } from '../core/chat.js';

export interface AffinityOptions {
  /** Prefixes shorter than this are not pinned (providers do not cache them). Default 1024. */
  readonly minPrefixTokens?: number;
  /** Characters per token for the length estimate. Default 4. */
  readonly charsPerToken?: number;
  /**
   * What the hashed key covers. `conversation` (default): system prompt + tools + the first user
   * turn — stable for the whole conversation, so turn N+1 lands where turn N warmed the cache.
   * `prefix`: system prompt + tools + every turn before the last user turn — changes every turn,
   * so consecutive turns of one conversation usually land on different deployments.
   */
  readonly scope?: 'conversation' | 'prefix';
}

/** The fields affinity reads; a ChatRequest satisfies it. */
export type AffinityRequest = Pick<ChatRequest, 'messages'> &
  Partial<Pick<ChatRequest, 'tools' | 'user' | 'source'>> & {
    /** OpenAI `prompt_cache_key`; read from `source.body` when not given here. */
    readonly promptCacheKey?: string;
  };

/** An image's share of the prefix length estimate (characters). */
const IMAGE_CHARS = 2000;

/**
 * The affinity key of a request, or undefined when it should not be pinned. An explicit
 * `prompt_cache_key`, then `user`, win (the client said what belongs together); otherwise a
 * SHA-256 over the canonical prefix, when the cacheable prefix is long enough.
 */
export function affinityKey(req: AffinityRequest, opts: AffinityOptions = {}): string | undefined {
  const explicit = req.promptCacheKey ?? stringField(req.source?.body, 'prompt_cache_key');
  if (explicit) return `k:${explicit}`;
  if (req.user) return `u:${req.user}`;

  const msgs = req.messages;
  let lastUser = -1;
  for (let i = msgs.length - 1; i >= 0; i--) {
    if (msgs[i]!.role === 'user') {
      lastUser = i;
      break;
    }
  }
  // What a provider can reuse from cache: everything before the last user turn.
  const cacheable = msgs.slice(0, lastUser >= 0 ? lastUser : Math.max(0, msgs.length - 1));
  const toolChars = req.tools && req.tools.length > 0 ? canonicalJson(req.tools).length : 0;
  const chars = toolChars + cacheable.reduce((n, m) => n + messageChars(m), 0);
  if (chars / (opts.charsPerToken ?? 4) < (opts.minPrefixTokens ?? 1024)) return undefined;

  let covered: readonly ChatMessage[] = cacheable;
  if ((opts.scope ?? 'conversation') === 'conversation') {
    const firstUser = msgs.findIndex((m) => m.role === 'user');
    covered = msgs.slice(0, firstUser >= 0 ? firstUser + 1 : cacheable.length);
  }
  const h = createHash('sha256').update(canonicalJson({ tools: req.tools ?? [], messages: covered })).digest('hex');
  return `h:${h.slice(0, 32)}`;
}

/** The rendezvous winner for `key` among `candidates` (weights bias it; ≤ 0 counts as 1). */
export function pickWithAffinity<T extends { readonly id: string; readonly weight?: number }>(key: string, candidates: readonly T[]): T | undefined {
  let best: T | undefined;
  let bestScore = -Infinity;
  for (const c of candidates) {
    const s = rendezvousScore(key, c.id, c.weight);
    if (s > bestScore) {
      bestScore = s;
      best = c;
    }
  }
  return best;
}

/** Weighted rendezvous score (the logarithmic method): −w / ln(u), u uniform in (0, 1) from the hash. */
export function rendezvousScore(key: string, id: string, weight = 1): number {
  const d = createHash('sha256').update(key).update('\0').update(id).digest();
  const u = (d.readUIntBE(0, 6) + 0.5) / 2 ** 48;
  return -(weight > 0 ? weight : 1) / Math.log(u);
}

function messageChars(m: ChatMessage): number {
  let n = partsChars(m.content);
  if (m.role === 'assistant') {
    for (const t of m.toolCalls ?? []) n += t.name.length + t.arguments.length;
    for (const r of m.reasoning ?? []) n += r.type === 'thinking' ? r.text.length : r.data.length;
  }
  return n;
}

function partsChars(parts: readonly ContentPart[]): number {
  let n = 0;
  for (const p of parts) n += p.type === 'text' ? p.text.length : p.type === 'image' ? IMAGE_CHARS : 0;
  return n;
}

function stringField(body: Readonly<Record<string, unknown>> | undefined, name: string): string | undefined {
  const v = body?.[name];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** JSON with object keys sorted, so the same content hashes the same whatever order it was built in. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}
