// The Anthropic adapter runs the shared provider conformance suites against the simulator's
// /v1/messages (started as its own process); this file only says how to build the harness.
import type { ChatRequest } from '../../core/chat.js';
import { canonicalChat } from '../conformance/canonical-requests.js';
import { chatAdapterConformance, type EncodedFacts, type Refusal, type Upstream } from '../conformance/chat-adapter.conformance.js';
import { startSimulatorProcess } from '../conformance/simulator-process.js';
import { streamFramesConformance } from '../conformance/stream-frames.conformance.js';
import { anthropicProvider } from './index.js';

const MODEL = 'claude-sonnet-4-5';

async function start(): Promise<Upstream> {
  const sim = await startSimulatorProcess();
  return {
    origin: sim.url,
    endpoint: { name: 'anthropic-sim', basePath: '/v1', apiKey: 'sk-ant-test', apiVersion: undefined, organization: undefined, project: undefined, headers: {} },
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
    tools?: { name: string }[];
    system?: { text: string }[];
  };
  return {
    model: b.model,
    stream: b.stream === true,
    maxTokens: b.max_tokens,
    stop: b.stop_sequences ?? [],
    temperature: b.temperature,
    toolNames: (b.tools ?? []).map((t) => t.name),
    systemText: (b.system ?? []).map((s) => s.text).join('\n'),
  };
}

function withSource(req: ChatRequest, fields: Partial<ChatRequest>, body: Record<string, unknown>): ChatRequest {
  return { ...req, ...fields, source: { wire: 'openai-chat', body: { ...req.source.body, ...body } } };
}

const base = canonicalChat('client-alias', { messages: [{ role: 'user', content: 'Hi' }] });
const refusals: Refusal[] = [
  { name: 'n > 1', request: withSource(base, { n: 2 }, { n: 2 }), param: 'n' },
  { name: 'logprobs', request: withSource(base, { logprobs: true }, { logprobs: true }), param: 'logprobs' },
  { name: 'seed', request: withSource(base, { seed: 1 }, { seed: 1 }), param: 'seed' },
  { name: 'frequency_penalty', request: withSource(base, {}, { frequency_penalty: 1 }), param: 'frequency_penalty' },
  { name: 'presence_penalty', request: withSource(base, {}, { presence_penalty: 1 }), param: 'presence_penalty' },
  { name: 'logit_bias', request: withSource(base, {}, { logit_bias: { '1': 1 } }), param: 'logit_bias' },
  { name: 'JSON mode without a schema', request: withSource(base, { responseFormat: { type: 'json_object' } }, {}), param: 'response_format' },
  { name: 'temperature above 1', request: withSource(base, { temperature: 1.2 }, { temperature: 1.2 }), param: 'temperature' },
  { name: 'an input_audio part', request: { ...base, messages: [{ role: 'user', content: [{ type: 'opaque', wireType: 'input_audio' }] }] }, param: 'messages[0].content[0]' },
];

chatAdapterConformance({ name: 'anthropic', adapter: anthropicProvider, model: MODEL, start, inspect, overloadedStatus: 529, refusals });

streamFramesConformance({
  name: 'anthropic',
  model: MODEL,
  encode: (req, up, model) => anthropicProvider.encodeChat(req, up.endpoint, model).request,
  createStreamDecoder: () => anthropicProvider.createStreamDecoder(),
  start,
});
