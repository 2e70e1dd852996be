// The Mistral adapter runs the shared translating-adapter conformance suite against the simulator's
// Mistral dialect (/mistral/v1/chat/completions, started as its own process); this file only says
// how to build the harness. The multi-turn case sends OpenAI-style ids (call_1…), which the
// simulator refuses unless the adapter rewrote them to Mistral's 9-character form.
import type { ChatRequest } from '../../core/chat.js';
import { canonicalChat } from '../conformance/canonical-requests.js';
import { chatAdapterConformance, type EncodedFacts, type Refusal, type Upstream } from '../conformance/chat-adapter.conformance.js';
import { startSimulatorProcess } from '../conformance/simulator-process.js';
import { mistralProvider } from './index.js';

const MODEL = 'mistral-large-latest';

async function start(): Promise<Upstream> {
  const sim = await startSimulatorProcess();
  return {
    origin: sim.url,
    endpoint: { name: 'mistral-sim', basePath: '/mistral/v1', apiKey: 'mistral-test', apiVersion: undefined, organization: undefined, project: undefined, headers: {} },
    close: () => sim.close(),
  };
}

function inspect(body: string): EncodedFacts {
  const b = JSON.parse(body) as {
    model: string;
    stream?: boolean;
    max_tokens?: number;
    stop?: string[];
    temperature?: number;
    tools?: { function: { name: string } }[];
    messages: { role: string; content?: unknown }[];
  };
  return {
    model: b.model,
    stream: b.stream === true,
    maxTokens: b.max_tokens,
    stop: b.stop ?? [],
    temperature: b.temperature,
    toolNames: (b.tools ?? []).map((t) => t.function.name),
    systemText: b.messages.filter((m) => m.role === 'system').map((m) => String(m.content)).join('\n'),
  };
}

function withSource(req: ChatRequest, fields: Partial<ChatRequest>, body: Record<string, unknown>): ChatRequest {
  return { ...req, ...fields, source: { wire: 'openai-chat', body: { ...req.source.body, ...body } } };
}

const base = canonicalChat('client-alias', { messages: [{ role: 'user', content: 'Hi' }] });
const refusals: Refusal[] = [
  { name: 'logprobs', request: withSource(base, { logprobs: true }, { logprobs: true }), param: 'logprobs' },
  { name: 'top_logprobs', request: withSource(base, { topLogprobs: 3 }, { top_logprobs: 3 }), param: 'top_logprobs' },
  { name: 'logit_bias', request: withSource(base, {}, { logit_bias: { '1': 1 } }), param: 'logit_bias' },
  { name: 'top_k', request: withSource(base, { topK: 5 }, {}), param: 'top_k' },
  { name: "reasoning_effort 'max'", request: withSource(base, { reasoningEffort: 'max' }, { reasoning_effort: 'max' }), param: 'reasoning_effort' },
  { name: 'web_search_options', request: withSource(base, {}, { web_search_options: {} }), param: 'web_search_options' },
  { name: 'an input_audio part', request: { ...base, messages: [{ role: 'user', content: [{ type: 'opaque', wireType: 'input_audio' }] }] }, param: 'messages[0].content[0]' },
];

chatAdapterConformance({ name: 'mistral', adapter: mistralProvider, model: MODEL, start, inspect, overloadedStatus: 503, refusals });
