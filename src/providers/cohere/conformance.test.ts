// The Cohere adapter runs the shared translating-adapter conformance suite against the simulator's
// /v2/chat (started as its own process); this file only says how to build the harness. Cohere's
// usage has no reasoning count (thinking is inside output_tokens), hence reportsReasoningTokens: false.
import type { ChatRequest } from '../../core/chat.js';
import { canonicalChat } from '../conformance/canonical-requests.js';
import { chatAdapterConformance, type EncodedFacts, type Refusal, type Upstream } from '../conformance/chat-adapter.conformance.js';
import { startSimulatorProcess } from '../conformance/simulator-process.js';
import { cohereProvider } from './index.js';

const MODEL = 'command-a-03-2025';

async function start(): Promise<Upstream> {
  const sim = await startSimulatorProcess();
  return {
    origin: sim.url,
    endpoint: { name: 'cohere-sim', basePath: '/v2', apiKey: 'co-test', apiVersion: undefined, organization: undefined, project: undefined, headers: {} },
    close: () => sim.close(),
  };
}

function inspect(body: string): EncodedFacts {
  const b = JSON.parse(body) as {
    model: string;
    stream?: boolean;
    max_tokens?: number;
    stop_sequences?: string[];
    temperature?: number;
    tools?: { function: { name: string } }[];
    messages: { role: string; content?: unknown }[];
  };
  return {
    model: b.model,
    stream: b.stream === true,
    maxTokens: b.max_tokens,
    stop: b.stop_sequences ?? [],
    temperature: b.temperature,
    toolNames: (b.tools ?? []).map((t) => t.function.name),
    systemText: b.messages.filter((m) => m.role === 'system').map((m) => String(m.content)).join('\n'),
  };
}

function withSource(req: ChatRequest, fields: Partial<ChatRequest>, body: Record<string, unknown>): ChatRequest {
  return { ...req, ...fields, source: { wire: 'openai-chat', body: { ...req.source.body, ...body } } };
}

const base = canonicalChat('client-alias', { messages: [{ role: 'user', content: 'Hi' }] });
const withTools = canonicalChat('client-alias', { messages: [{ role: 'user', content: 'Hi' }], tools: ['get_weather'] });
const refusals: Refusal[] = [
  { name: 'n > 1', request: withSource(base, { n: 2 }, { n: 2 }), param: 'n' },
  { name: 'top_logprobs', request: withSource(base, { logprobs: true, topLogprobs: 3 }, { logprobs: true, top_logprobs: 3 }), param: 'top_logprobs' },
  { name: 'logit_bias', request: withSource(base, {}, { logit_bias: { '1': 1 } }), param: 'logit_bias' },
  { name: 'a named tool_choice', request: withSource(withTools, { toolChoice: { name: 'get_weather' } }, {}), param: 'tool_choice' },
  { name: 'parallel_tool_calls: false', request: withSource(withTools, { parallelToolCalls: false }, { parallel_tool_calls: false }), param: 'parallel_tool_calls' },
  { name: 'a negative frequency_penalty', request: withSource(base, {}, { frequency_penalty: -0.5 }), param: 'frequency_penalty' },
  { name: 'top_p above 0.99 (but not 1)', request: withSource(base, { topP: 0.995 }, { top_p: 0.995 }), param: 'top_p' },
  { name: 'more than 5 stop sequences', request: withSource(base, { stop: ['a', 'b', 'c', 'd', 'e', 'f'] }, {}), param: 'stop' },
  { name: 'prediction', request: withSource(base, {}, { prediction: { type: 'content', content: 'x' } }), param: 'prediction' },
  { name: 'an input_audio part', request: { ...base, messages: [{ role: 'user', content: [{ type: 'opaque', wireType: 'input_audio' }] }] }, param: 'messages[0].content[0]' },
];

chatAdapterConformance({ name: 'cohere', adapter: cohereProvider, model: MODEL, start, inspect, overloadedStatus: 503, reportsReasoningTokens: false, refusals });
