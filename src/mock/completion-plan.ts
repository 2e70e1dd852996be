// What the simulated model "says", independent of any wire format: a list of deltas (one token each,
// except an echoed body) that encoders render as one response or as one stream chunk per delta.
// Deterministic, so tests can predict content and bills exactly.

export type Delta =
  | { readonly kind: 'text'; readonly text: string; readonly tokens: number }
  | { readonly kind: 'tool_start'; readonly call: number; readonly id: string; readonly name: string; readonly tokens: 1 }
  | { readonly kind: 'tool_args'; readonly call: number; readonly args: string; readonly tokens: 1 };

export interface PlannedCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: string;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls';

export interface CompletionPlan {
  readonly deltas: readonly Delta[];
  /** The whole text answer ('' for a tool-call answer). */
  readonly text: string;
  /** Tool calls as emitted (arguments may be truncated when the token cap hit). */
  readonly calls: readonly PlannedCall[];
  readonly finish: FinishReason;
  /** Sum of delta tokens; reasoning tokens come on top. */
  readonly outputTokens: number;
}

export interface PlanInput {
  readonly model: string;
  /** Text tokens to produce (default 12 is the caller's business). */
  readonly outputTokens: number;
  /** max_completion_tokens / max_tokens; reasoning spends from it first, as on OpenAI. */
  readonly maxTokens: number | undefined;
  readonly reasoningTokens: number;
  /** Parallel tool calls wanted; only honoured when the request offered tools. */
  readonly toolCalls: number;
  readonly toolNames: readonly string[];
  /** When set, the answer is this exact string as one delta. */
  readonly echo: string | undefined;
  readonly newCallId: () => string;
}

const FILLER = [
  'lorem', 'ipsum', 'dolor', 'sit', 'amet', 'consectetur', 'adipiscing', 'elit', 'sed', 'do',
  'eiusmod', 'tempor', 'incididunt', 'ut', 'labore', 'et', 'dolore', 'magna', 'aliqua', 'enim',
].map((w) => ` ${w}`);

/** The i-th word of the answer: "Simulated answer from MODEL: lorem ipsum …", leading space included. */
function wordAt(model: string, i: number): string {
  switch (i) {
    case 0: return 'Simulated';
    case 1: return ' answer';
    case 2: return ' from';
    case 3: return ` ${model}:`;
    default: return FILLER[(i - 4) % FILLER.length] as string;
  }
}

/** A call's arguments in the fragments they stream as; concatenated they are a small JSON object. */
function argumentFragments(call: number): string[] {
  return ['{"input":', `"value ${call}"`, ',"n":', `${call}}`];
}

// Text plans depend only on (model, length, finish) and are never mutated, so the hot path (the same
// few models over and over in a benchmark) reuses them. Cleared wholesale when full: cheap and bounded.
const TEXT_PLAN_CACHE_SIZE = 1024;
const textPlans = new Map<string, CompletionPlan>();

function textPlan(input: PlanInput, budget: number): CompletionPlan {
  if (input.echo !== undefined) {
    const tokens = Math.max(1, Math.ceil(input.echo.length / 4));
    return {
      deltas: [{ kind: 'text', text: input.echo, tokens }],
      text: input.echo,
      calls: [],
      finish: 'stop',
      outputTokens: tokens,
    };
  }
  const n = Math.min(input.outputTokens, budget);
  const finish = n < input.outputTokens ? 'length' : 'stop';
  const key = `${n}\u0000${finish}\u0000${input.model}`;
  const cached = textPlans.get(key);
  if (cached !== undefined) return cached;
  const deltas: Delta[] = new Array<Delta>(n);
  let text = '';
  for (let i = 0; i < n; i++) {
    const word = wordAt(input.model, i);
    deltas[i] = { kind: 'text', text: word, tokens: 1 };
    text += word;
  }
  const plan: CompletionPlan = { deltas, text, calls: [], finish, outputTokens: n };
  if (textPlans.size >= TEXT_PLAN_CACHE_SIZE) textPlans.clear();
  textPlans.set(key, plan);
  return plan;
}

/**
 * Calls stream round-robin — every call's first fragment, then each call's next argument piece in
 * turn — so a consumer that merges fragments by arrival instead of by index gets caught.
 */
function toolPlan(input: PlanInput, budget: number): CompletionPlan {
  const heads: Delta[] = [];
  const frags: string[][] = [];
  for (let c = 0; c < input.toolCalls; c++) {
    const name = input.toolNames[c % input.toolNames.length] as string;
    heads.push({ kind: 'tool_start', call: c, id: input.newCallId(), name, tokens: 1 });
    frags.push(argumentFragments(c));
  }
  const all: Delta[] = [...heads];
  const rounds = frags[0]?.length ?? 0;
  for (let r = 0; r < rounds; r++) {
    for (let c = 0; c < frags.length; c++) all.push({ kind: 'tool_args', call: c, args: (frags[c] as string[])[r] as string, tokens: 1 });
  }
  const deltas = all.length > budget ? all.slice(0, budget) : all;
  const ids: string[] = [];
  const names: string[] = [];
  const args: string[] = [];
  for (const d of deltas) {
    if (d.kind === 'tool_start') {
      ids[d.call] = d.id;
      names[d.call] = d.name;
      args[d.call] = '';
    } else if (d.kind === 'tool_args') {
      args[d.call] += d.args;
    }
  }
  const calls = ids.map((id, c) => ({ id, name: names[c] as string, arguments: args[c] as string }));
  return {
    deltas,
    text: '',
    calls,
    finish: deltas.length < all.length ? 'length' : 'tool_calls',
    outputTokens: deltas.length,
  };
}

export function planCompletion(input: PlanInput): CompletionPlan {
  const budget = input.maxTokens === undefined ? Infinity : Math.max(0, input.maxTokens - input.reasoningTokens);
  if (input.toolCalls > 0 && input.toolNames.length > 0 && input.echo === undefined) return toolPlan(input, budget);
  return textPlan(input, budget);
}
