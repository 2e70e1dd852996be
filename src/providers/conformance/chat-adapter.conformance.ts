// The one conformance suite every TRANSLATING provider adapter passes (TESTING.md: one suite per
// interface). The adapter encodes canonical requests; the simulator — a real server speaking the
// adapter's wire, as strict as the provider about what it accepts — answers them with scripted
// faults; the adapter decodes the real bytes back into canonical results, which the cases check.
// An adapter's own test file only says how to build the harness. Cases carry FAILURE-MODES ids.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChatRequest, ChatResponse } from '../../core/chat.js';
import { UnsupportedParameterError, type UpstreamError } from '../../core/errors.js';
import { StreamAccumulator, type StreamEvent, type StreamEventDecoder } from '../../core/stream-event.js';
import type { ErrorContext, ProviderEndpoint, UpstreamRequest } from '../types.js';
import { canonicalChat, type SimpleChat } from './canonical-requests.js';
import { exchange, type WireResponse } from './wire-exchange.js';

export interface TranslatingAdapter {
  encodeChat(req: ChatRequest, endpoint: ProviderEndpoint, model: string, opts?: { dropParams?: ReadonlySet<string> }): { readonly request: UpstreamRequest; readonly dropped: readonly string[] };
  decodeChatResponse(body: string, ctx: { now: number }): ChatResponse;
  createEventDecoder(ctx: { now: number }): StreamEventDecoder;
  mapError(ctx: ErrorContext): UpstreamError;
}

/** Wire-specific reads of an encoded body, so the encode cases stay wire-neutral. */
export interface EncodedFacts {
  readonly model: string;
  readonly stream: boolean;
  readonly maxTokens: number | undefined;
  readonly stop: readonly string[];
  readonly temperature: number | undefined;
  readonly toolNames: readonly string[];
  readonly systemText: string;
}

export interface Refusal {
  readonly name: string;
  readonly request: ChatRequest;
  readonly param: string;
}

export interface Upstream {
  /** The simulator's origin, e.g. http://127.0.0.1:40123 */
  readonly origin: string;
  readonly endpoint: ProviderEndpoint;
  close(): Promise<void>;
}

export interface ChatAdapterHarness {
  readonly name: string;
  readonly adapter: TranslatingAdapter;
  readonly model: string;
  start(): Promise<Upstream>;
  readonly inspect: (body: string) => EncodedFacts;
  /** The status this wire uses for "overloaded, retry" (Anthropic 529, OpenAI 503). */
  readonly overloadedStatus: number;
  /**
   * false for wires whose usage has no reasoning count (Bedrock: reasoning is inside outputTokens,
   * never split out), so reasoningTokens cannot be checked. Default true.
   */
  readonly reportsReasoningTokens?: boolean;
  /** Parameters this target cannot honour, one case each (R7). */
  readonly refusals: readonly Refusal[];
}

const NOW = 1_760_000_000_000;
const FULL_TEXT = (model: string): string => `Simulated answer from ${model}: lorem ipsum dolor sit amet consectetur adipiscing elit`;

const HELLO: SimpleChat = { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'What is the capital?' }] };
const TOOLS = ['get_weather', 'get_time'];

export function chatAdapterConformance(h: ChatAdapterHarness): void {
  describe(`${h.name}: chat adapter conformance`, () => {
    let up: Upstream;
    before(async () => {
      up = await h.start();
    });
    after(() => up.close());

    const chat = (c: SimpleChat): ChatRequest => canonicalChat('client-alias', c);
    const send = (req: ChatRequest, faults: Record<string, string> = {}): Promise<WireResponse> =>
      exchange(up.origin, h.adapter.encodeChat(req, up.endpoint, h.model).request, faults);

    async function complete(c: SimpleChat, faults: Record<string, string> = {}): Promise<ChatResponse> {
      const res = await send(chat(c), faults);
      assert.equal(res.status, 200, res.text);
      return h.adapter.decodeChatResponse(res.text, { now: NOW });
    }

    async function stream(c: SimpleChat, faults: Record<string, string> = {}): Promise<{ events: StreamEvent[]; decoder: StreamEventDecoder; res: WireResponse }> {
      const res = await send(chat({ ...c, stream: true }), faults);
      assert.equal(res.status, 200, res.text);
      const decoder = h.adapter.createEventDecoder({ now: NOW });
      const events: StreamEvent[] = [];
      for (const chunk of res.chunks) events.push(...decoder.push(chunk));
      events.push(...decoder.end());
      return { events, decoder, res };
    }

    it('decodes a plain answer: text, finish stop, usage', async () => {
      const r = await complete(HELLO);
      assert.equal(r.choices.length, 1);
      assert.equal(r.choices[0]?.text, FULL_TEXT(h.model));
      assert.equal(r.choices[0]?.finishReason, 'stop');
      assert.equal(r.usage?.outputTokens, 12);
      assert.ok((r.usage?.inputTokens ?? 0) > 0);
      assert.equal(r.created, Math.floor(NOW / 1000));
    });

    it('a multi-turn tool conversation (parallel calls, their results, a follow-up) is accepted upstream', async () => {
      const r = await complete({
        tools: TOOLS,
        messages: [
          { role: 'system', content: 'Use tools.' },
          { role: 'user', content: 'Weather and time in Paris?' },
          {
            role: 'assistant',
            content: null,
            toolCalls: [
              { id: 'call_1', name: 'get_weather', arguments: '{"input":"Paris","n":1}' },
              { id: 'call_2', name: 'get_time', arguments: '{"input":"Paris","n":2}' },
            ],
          },
          { role: 'tool', toolCallId: 'call_1', content: 'sunny' },
          { role: 'tool', toolCallId: 'call_2', content: 'noon' },
          { role: 'user', content: 'And tomorrow?' },
        ],
      });
      assert.equal(r.choices[0]?.finishReason, 'stop');
    });

    it('decodes parallel tool calls: distinct ids, arguments as JSON text, finish tool_calls', async () => {
      const r = await complete({ ...HELLO, tools: TOOLS }, { 'x-mock-tool-calls': '3' });
      const calls = r.choices[0]?.toolCalls ?? [];
      assert.equal(calls.length, 3);
      assert.equal(new Set(calls.map((c) => c.id)).size, 3);
      assert.deepEqual(calls.map((c) => [c.name, JSON.parse(c.arguments) as unknown]), [0, 1, 2].map((n) => [TOOLS[n % 2], { input: `value ${n}`, n }]));
      assert.equal(r.choices[0]?.finishReason, 'tool_calls');
    });

    it('max tokens caps the answer: finish length', async () => {
      const r = await complete({ ...HELLO, maxTokens: 5 });
      assert.equal(r.choices[0]?.finishReason, 'length');
      assert.equal(r.usage?.outputTokens, 5);
    });

    it('usage: cached tokens are inside inputTokens (the prompt total does not change), reasoning inside outputTokens', async () => {
      const base = await complete(HELLO);
      const cached = await complete(HELLO, { 'x-mock-cached-tokens': '4' });
      assert.equal(cached.usage?.cachedInputTokens, 4);
      assert.equal(cached.usage?.inputTokens, base.usage?.inputTokens);
      const thought = await complete(HELLO, { 'x-mock-reasoning-tokens': '5' });
      if (h.reportsReasoningTokens !== false) assert.equal(thought.usage?.reasoningTokens, 5);
      assert.equal(thought.usage?.outputTokens, 17);
    });

    it('stream: start first, the same text as the whole answer, one finish, the final usage, completed', async () => {
      const whole = await complete(HELLO);
      const { events, decoder } = await stream(HELLO, { 'x-mock-cached-tokens': '3' });
      assert.equal(events[0]?.type, 'start');
      const r = new StreamAccumulator().addAll(events).response();
      assert.equal(r.choices[0]?.text, whole.choices[0]?.text);
      assert.equal(events.filter((e) => e.type === 'finish').length, 1);
      assert.equal(r.choices[0]?.finishReason, 'stop');
      assert.deepEqual(r.usage, { ...whole.usage, cachedInputTokens: 3 });
      assert.deepEqual(decoder.usage, r.usage);
      assert.equal(decoder.completed, true);
    });

    it('stream: any chunking of the same bytes gives the same events', async () => {
      const { events, res } = await stream({ ...HELLO, tools: TOOLS }, { 'x-mock-tool-calls': '2', 'x-mock-reasoning-tokens': '3' });
      const bytes = Buffer.concat(res.chunks);
      for (const size of [1, 5, 333]) {
        const d = h.adapter.createEventDecoder({ now: NOW });
        const again: StreamEvent[] = [];
        for (let i = 0; i < bytes.length; i += size) again.push(...d.push(bytes.subarray(i, i + size)));
        again.push(...d.end());
        assert.deepEqual(again, events, `chunk ${size}`);
      }
    });

    it('R5: streamed parallel tool calls keep distinct indices (0, 1, 2) and ids, each started before its arguments', async () => {
      const { events } = await stream({ ...HELLO, tools: TOOLS }, { 'x-mock-tool-calls': '3', 'x-mock-reasoning-tokens': '4' });
      const started = new Map<number, string>();
      for (const e of events) {
        if (e.type === 'tool-call-start') {
          assert.equal(started.has(e.index), false, `index ${e.index} started twice`);
          started.set(e.index, e.id);
        }
        if (e.type === 'tool-call-delta') assert.ok(started.has(e.index), `arguments for index ${e.index} before its start`);
      }
      assert.deepEqual([...started.keys()], [0, 1, 2]);
      assert.equal(new Set(started.values()).size, 3);
      const r = new StreamAccumulator().addAll(events).response();
      assert.deepEqual(r.choices[0]?.toolCalls.map((c) => JSON.parse(c.arguments) as unknown), [0, 1, 2].map((n) => ({ input: `value ${n}`, n })));
      assert.equal(r.choices[0]?.finishReason, 'tool_calls');
      if (h.reportsReasoningTokens !== false) assert.equal(r.usage?.reasoningTokens, 4);
    });

    it('R6: a stream cut mid-answer is detectably incomplete (no finish, completed false)', async () => {
      const { events, decoder, res } = await stream(HELLO, { 'x-mock-cut-after': '3' });
      assert.equal(res.aborted, true);
      assert.equal(decoder.completed, false);
      assert.equal(events.some((e) => e.type === 'finish'), false);
    });

    it('R6: a mid-stream error frame becomes an error event, and the stream is not complete', async () => {
      const { events, decoder } = await stream(HELLO, { 'x-mock-error-after': '2' });
      const last = events.at(-1);
      assert.equal(last?.type, 'error');
      assert.equal(events.filter((e) => e.type === 'text-delta').length > 0, true);
      assert.equal(decoder.completed, false);
    });

    it('errors: overloaded is retryable, a bad request is not, Retry-After is read', async () => {
      const errorOf = async (faults: Record<string, string>): Promise<UpstreamError> => {
        const res = await send(chat(HELLO), faults);
        assert.ok(res.status >= 400);
        return h.adapter.mapError({ status: res.status, headers: res.headers, body: res.text, now: NOW });
      };
      assert.equal((await errorOf({ 'x-mock-status': String(h.overloadedStatus) })).retryable, true);
      assert.equal((await errorOf({ 'x-mock-status': '400' })).retryable, false);
      const limited = await errorOf({ 'x-mock-status': '429', 'x-mock-retry-after': '9' });
      assert.equal(limited.retryable, true);
      assert.equal(limited.retryAfterSeconds, 9);
    });

    it('encode: model, stream, max tokens, stop, temperature, tools and the system prompt are carried', () => {
      const req = chat({ ...HELLO, tools: TOOLS, stream: true, maxTokens: 77, stop: ['END'], temperature: 0.25 });
      const facts = h.inspect(h.adapter.encodeChat(req, up.endpoint, h.model).request.body ?? '');
      assert.deepEqual(facts, { model: h.model, stream: true, maxTokens: 77, stop: ['END'], temperature: 0.25, toolNames: TOOLS, systemText: 'Be brief.' });
    });

    it('encode is pure: the frozen request is untouched and encodes to the same bytes every attempt', async () => {
      const req = chat({ ...HELLO, tools: TOOLS });
      const a = h.adapter.encodeChat(req, up.endpoint, h.model).request;
      const b = h.adapter.encodeChat(req, up.endpoint, h.model).request;
      assert.deepEqual(a, b);
      assert.ok(Object.isFrozen(req.messages[0]));
    });

    for (const r of h.refusals) {
      it(`R7: ${r.name} is refused naming '${r.param}' and the target — or dropped and reported when allowed`, () => {
        assert.throws(() => h.adapter.encodeChat(r.request, up.endpoint, h.model), (e: unknown) => e instanceof UnsupportedParameterError && e.param === r.param);
        const key = r.param.startsWith('messages[') ? undefined : r.param;
        if (key === undefined) return;
        const out = h.adapter.encodeChat(r.request, up.endpoint, h.model, { dropParams: new Set([key]) });
        assert.deepEqual(out.dropped, [key]);
      });
    }
  });
}
