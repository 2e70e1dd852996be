// The Gemini (AI Studio) and Vertex adapters run the shared provider conformance suites against the
// simulator's Gemini routes (started as its own process); this file only says how to build the harnesses.
//
// Gemini carries the model and streaming in the URL, not the body. The suite's `inspect` reads a body,
// so the harness adapter is the real adapter with a tap that remembers each encoded request by its
// body; `inspect` reads the model and the stream flag from that request's path.
import type { ChatRequest } from '../../core/chat.js';
import { canonicalChat } from '../conformance/canonical-requests.js';
import { chatAdapterConformance, type EncodedFacts, type Refusal, type TranslatingAdapter, type Upstream } from '../conformance/chat-adapter.conformance.js';
import { startSimulatorProcess } from '../conformance/simulator-process.js';
import { streamFramesConformance } from '../conformance/stream-frames.conformance.js';
import type { ProviderEndpoint, TranslatingProviderModule, UpstreamRequest } from '../types.js';
import { geminiProvider, vertexProvider } from './index.js';

const MODEL = 'gemini-2.5-flash';

const ENDPOINTS: Readonly<Record<'gemini' | 'vertex', ProviderEndpoint>> = {
  gemini: { name: 'gemini-sim', basePath: '/v1beta', apiKey: 'AIza-test', apiVersion: undefined, organization: undefined, project: undefined, headers: {} },
  vertex: { name: 'vertex-sim', basePath: '/v1', apiKey: 'ya29.test-token', apiVersion: undefined, organization: undefined, project: 'tollgate-test', region: 'us-central1', headers: {} },
};

function starter(endpoint: ProviderEndpoint): () => Promise<Upstream> {
  return async () => {
    const sim = await startSimulatorProcess();
    return { origin: sim.url, endpoint, close: () => sim.close() };
  };
}

function tapped(provider: TranslatingProviderModule): { adapter: TranslatingAdapter; inspect: (body: string) => EncodedFacts } {
  const sent = new Map<string, UpstreamRequest>();
  const adapter: TranslatingAdapter = {
    encodeChat: (req, ep, model, opts) => {
      const encoded = provider.encodeChat(req, ep, model, opts);
      sent.set(encoded.request.body ?? '', encoded.request);
      return encoded;
    },
    decodeChatResponse: (body, ctx) => provider.decodeChatResponse(body, ctx),
    createEventDecoder: (ctx) => provider.createEventDecoder(ctx),
    mapError: (ctx) => provider.mapError(ctx),
  };
  const inspect = (body: string): EncodedFacts => {
    const path = sent.get(body)?.path ?? '';
    const b = JSON.parse(body) as {
      generationConfig?: { maxOutputTokens?: number; stopSequences?: string[]; temperature?: number };
      tools?: { functionDeclarations?: { name: string }[] }[];
      systemInstruction?: { parts: { text: string }[] };
    };
    return {
      model: /\/models\/([^/:]+):/.exec(path)?.[1] ?? '',
      stream: path.includes(':streamGenerateContent'),
      maxTokens: b.generationConfig?.maxOutputTokens,
      stop: b.generationConfig?.stopSequences ?? [],
      temperature: b.generationConfig?.temperature,
      toolNames: (b.tools ?? []).flatMap((t) => (t.functionDeclarations ?? []).map((d) => d.name)),
      systemText: (b.systemInstruction?.parts ?? []).map((p) => p.text).join('\n'),
    };
  };
  return { adapter, inspect };
}

function withSource(req: ChatRequest, fields: Partial<ChatRequest>, body: Record<string, unknown>): ChatRequest {
  return { ...req, ...fields, source: { wire: 'openai-chat', body: { ...req.source.body, ...body } } };
}

const base = canonicalChat('client-alias', { messages: [{ role: 'user', content: 'Hi' }] });
const withTools = canonicalChat('client-alias', { messages: [{ role: 'user', content: 'Hi' }], tools: ['get_weather'] });
const refusals: Refusal[] = [
  { name: 'logit_bias', request: withSource(base, {}, { logit_bias: { '1': 1 } }), param: 'logit_bias' },
  { name: 'parallel_tool_calls: false', request: withSource(withTools, { parallelToolCalls: false }, { parallel_tool_calls: false }), param: 'parallel_tool_calls' },
  { name: 'more than 5 stop sequences', request: withSource(base, { stop: ['a', 'b', 'c', 'd', 'e', 'f'] }, {}), param: 'stop' },
  { name: 'an unknown reasoning effort', request: withSource(base, { reasoningEffort: 'extreme' }, {}), param: 'reasoning_effort' },
  { name: 'OpenAI-only functions', request: withSource(base, {}, { functions: [{ name: 'f' }] }), param: 'functions' },
  { name: 'an audio output modality', request: withSource(base, {}, { modalities: ['text', 'audio'] }), param: 'modalities' },
  { name: "service_tier 'scale'", request: withSource(base, {}, { service_tier: 'scale' }), param: 'service_tier' },
  { name: 'an input_audio part', request: { ...base, messages: [{ role: 'user', content: [{ type: 'opaque', wireType: 'input_audio' }] }] }, param: 'messages[0].content[0]' },
  {
    name: 'an image URL the gateway did not inline',
    request: { ...base, messages: [{ role: 'user', content: [{ type: 'image', url: 'https://example.com/cat.png' }] }] },
    param: 'messages[0].content[0]',
  },
];

for (const [flavor, provider] of [['gemini', geminiProvider], ['vertex', vertexProvider]] as const) {
  const start = starter(ENDPOINTS[flavor]);
  const { adapter, inspect } = tapped(provider);
  chatAdapterConformance({ name: flavor, adapter, model: MODEL, start, inspect, overloadedStatus: 503, refusals });
  streamFramesConformance({
    name: flavor,
    model: MODEL,
    encode: (req, up, model) => provider.encodeChat(req, up.endpoint, model).request,
    createStreamDecoder: () => provider.createStreamDecoder(),
    start,
  });
}
