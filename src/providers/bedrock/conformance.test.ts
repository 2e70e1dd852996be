// The Bedrock adapter runs the shared chat conformance suite against the simulator's Converse routes
// (started as its own process), signed with SigV4 — the simulator verifies every signature — through a
// local signing proxy (the suite itself sends requests unsigned). This file only builds the harness.
//   - The model and stream flag travel in the path, not the body: `inspect` reads the path of the
//     request last encoded.
//   - Bedrock does not split reasoning out of outputTokens: reportsReasoningTokens is false.
import type { ChatRequest } from '../../core/chat.js';
import { canonicalChat } from '../conformance/canonical-requests.js';
import { chatAdapterConformance, type EncodedFacts, type Refusal, type TranslatingAdapter, type Upstream } from '../conformance/chat-adapter.conformance.js';
import { startSimulatorProcess } from '../conformance/simulator-process.js';
import type { ProviderEndpoint } from '../types.js';
import { bedrockProvider } from './index.js';
import { startSigningProxy } from './signing-proxy.js';

const MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
/** The simulator's documented test credential pair (src/mock/bedrock/sigv4.ts; providers may not import it). */
const CREDENTIALS = { accessKeyId: 'AKIDTOLLGATEMOCK0001', secretAccessKey: 'tollgate-mock-secret' };

async function start(): Promise<Upstream> {
  const sim = await startSimulatorProcess();
  const endpoint: ProviderEndpoint = {
    name: 'bedrock-sim',
    origin: sim.url,
    basePath: '',
    apiKey: undefined,
    apiVersion: undefined,
    organization: undefined,
    project: undefined,
    headers: {},
    region: 'us-east-1',
    awsCredentials: CREDENTIALS,
  };
  const proxy = await startSigningProxy(sim.url, endpoint, bedrockProvider.sign);
  return {
    origin: proxy.url,
    endpoint,
    close: async () => {
      await proxy.close();
      await sim.close();
    },
  };
}

let lastPath = '';
const adapter: TranslatingAdapter = {
  ...bedrockProvider,
  encodeChat: (req, ep, model, opts) => {
    const out = bedrockProvider.encodeChat(req, ep, model, opts);
    lastPath = out.request.path;
    return out;
  },
};

function inspect(body: string): EncodedFacts {
  const b = JSON.parse(body) as {
    inferenceConfig?: { maxTokens?: number; stopSequences?: string[]; temperature?: number };
    toolConfig?: { tools: { toolSpec: { name: string } }[] };
    system?: { text?: string }[];
  };
  const m = /^\/model\/([^/]+)\/(converse|converse-stream)$/.exec(lastPath);
  return {
    model: decodeURIComponent(m?.[1] ?? ''),
    stream: m?.[2] === 'converse-stream',
    maxTokens: b.inferenceConfig?.maxTokens,
    stop: b.inferenceConfig?.stopSequences ?? [],
    temperature: b.inferenceConfig?.temperature,
    toolNames: (b.toolConfig?.tools ?? []).map((t) => t.toolSpec.name),
    systemText: (b.system ?? []).flatMap((s) => (s.text === undefined ? [] : [s.text])).join('\n'),
  };
}

function withSource(req: ChatRequest, fields: Partial<ChatRequest>, body: Record<string, unknown>): ChatRequest {
  return { ...req, ...fields, source: { wire: 'openai-chat', body: { ...req.source.body, ...body } } };
}

const base = canonicalChat('client-alias', { messages: [{ role: 'user', content: 'Hi' }] });
const withTools = canonicalChat('client-alias', { messages: [{ role: 'user', content: 'Hi' }], tools: ['get_weather'] });
const toolHistory = canonicalChat('client-alias', {
  tools: ['get_weather'],
  toolChoice: 'none',
  messages: [
    { role: 'user', content: 'Weather?' },
    { role: 'assistant', content: null, toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{}' }] },
    { role: 'tool', toolCallId: 'call_1', content: 'sunny' },
  ],
});
const refusals: Refusal[] = [
  { name: 'n > 1', request: withSource(base, { n: 2 }, { n: 2 }), param: 'n' },
  { name: 'logprobs', request: withSource(base, { logprobs: true }, { logprobs: true }), param: 'logprobs' },
  { name: 'seed', request: withSource(base, { seed: 1 }, { seed: 1 }), param: 'seed' },
  { name: 'frequency_penalty', request: withSource(base, {}, { frequency_penalty: 1 }), param: 'frequency_penalty' },
  { name: 'presence_penalty', request: withSource(base, {}, { presence_penalty: 1 }), param: 'presence_penalty' },
  { name: 'logit_bias', request: withSource(base, {}, { logit_bias: { '1': 1 } }), param: 'logit_bias' },
  { name: 'JSON mode without a schema', request: withSource(base, { responseFormat: { type: 'json_object' } }, {}), param: 'response_format' },
  { name: 'temperature above 1', request: withSource(base, { temperature: 1.2 }, { temperature: 1.2 }), param: 'temperature' },
  { name: 'parallel_tool_calls false', request: withSource(withTools, { parallelToolCalls: false }, { parallel_tool_calls: false }), param: 'parallel_tool_calls' },
  { name: "tool_choice 'none' with tool calls in the conversation", request: toolHistory, param: 'tool_choice' },
  { name: 'an input_audio part', request: { ...base, messages: [{ role: 'user', content: [{ type: 'opaque', wireType: 'input_audio' }] }] }, param: 'messages[0].content[0]' },
  { name: 'an image by URL', request: { ...base, messages: [{ role: 'user', content: [{ type: 'image', url: 'https://example.com/cat.png' }] }] }, param: 'messages[0].content[0]' },
];

chatAdapterConformance({ name: 'bedrock', adapter, model: MODEL, start, inspect, overloadedStatus: 503, reportsReasoningTokens: false, refusals });
