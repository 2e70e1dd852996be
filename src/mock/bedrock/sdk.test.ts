// The official @aws-sdk/client-bedrock-runtime as the client of the simulator: if the SDK signs
// requests our SigV4 check accepts, and reads our JSON, our event streams, our exceptions and our
// errors, the simulator speaks Bedrock's wire. The SDK defaults to HTTP/2 for Bedrock; the simulator
// (like the gateway's upstream client) speaks HTTP/1.1, which Bedrock also accepts — hence the
// NodeHttpHandler.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BedrockRuntimeClient,
  BedrockRuntimeServiceException,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  ModelStreamErrorException,
  ThrottlingException,
  type ConverseStreamOutput,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { startMock, type RunningMock } from '../server.js';
import { MOCK_AWS_ACCESS_KEY_ID, MOCK_AWS_SECRET_ACCESS_KEY } from './sigv4.js';

let mock: RunningMock;
let client: BedrockRuntimeClient;

function clientWith(secretAccessKey: string): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint: mock.url,
    credentials: { accessKeyId: MOCK_AWS_ACCESS_KEY_ID, secretAccessKey },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler(),
  });
}

before(async () => {
  mock = await startMock({ port: 0 });
  client = clientWith(MOCK_AWS_SECRET_ACCESS_KEY);
});
after(async () => {
  client.destroy();
  await mock.close();
});

const modelId = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const messages = [{ role: 'user' as const, content: [{ text: 'Hello there' }] }];
const toolConfig = {
  tools: [
    { toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object' } } } },
    { toolSpec: { name: 'get_time', inputSchema: { json: { type: 'object' } } } },
  ],
};
const FULL_TEXT = `Simulated answer from ${modelId}: lorem ipsum dolor sit amet consectetur adipiscing elit`;

async function collect(stream: AsyncIterable<ConverseStreamOutput> | undefined): Promise<ConverseStreamOutput[]> {
  const out: ConverseStreamOutput[] = [];
  for await (const ev of stream ?? []) out.push(ev);
  return out;
}

test('ConverseCommand (SigV4-signed by the SDK, model id with a colon) reads the answer, stop reason and usage', async () => {
  const r = await client.send(new ConverseCommand({ modelId, messages, system: [{ text: 'Be brief.' }], inferenceConfig: { maxTokens: 100 } }));
  assert.deepEqual(r.output?.message?.content, [{ text: FULL_TEXT }]);
  assert.equal(r.stopReason, 'end_turn');
  assert.equal(r.usage?.outputTokens, 12);
  assert.equal(r.usage?.inputTokens, 11);
  assert.ok(r.$metadata.requestId);
});

test('ConverseStreamCommand reads messageStart, text deltas, messageStop, and metadata usage with cache reads', async () => {
  const events = await withFaults({ 'x-mock-cached-tokens': '2' }, async (c) => collect((await c.send(new ConverseStreamCommand({ modelId, messages }))).stream));
  assert.deepEqual(events[0], { messageStart: { role: 'assistant' } });
  const text = events.map((e) => e.contentBlockDelta?.delta?.text ?? '').join('');
  assert.equal(text, FULL_TEXT);
  assert.equal(events.at(-2)?.messageStop?.stopReason, 'end_turn');
  assert.equal(events.at(-1)?.metadata?.usage?.outputTokens, 12);
  assert.equal(events.at(-1)?.metadata?.usage?.cacheReadInputTokens, 2);
  assert.equal(events.at(-1)?.metadata?.usage?.inputTokens, 4);
});

test('streamed parallel tool use with reasoning: toolUse starts with ids and names, input deltas, a signed reasoning block', async () => {
  const events = await withFaults({ 'x-mock-tool-calls': '2', 'x-mock-reasoning-tokens': '4' }, async (c) =>
    collect((await c.send(new ConverseStreamCommand({ modelId, messages, toolConfig }))).stream),
  );
  const starts = events.flatMap((e) => (e.contentBlockStart?.start?.toolUse ? [e.contentBlockStart.start.toolUse] : []));
  assert.deepEqual(starts.map((s) => s.name), ['get_weather', 'get_time']);
  assert.notEqual(starts[0]?.toolUseId, starts[1]?.toolUseId);
  const input = (block: number) => events.filter((e) => e.contentBlockDelta?.contentBlockIndex === block).map((e) => e.contentBlockDelta?.delta?.toolUse?.input ?? '').join('');
  assert.deepEqual([JSON.parse(input(1)), JSON.parse(input(2))], [{ input: 'value 0', n: 0 }, { input: 'value 1', n: 1 }]);
  assert.ok(events.some((e) => typeof e.contentBlockDelta?.delta?.reasoningContent?.signature === 'string'));
  assert.equal(events.find((e) => e.messageStop)?.messageStop?.stopReason, 'tool_use');
});

test('a mid-stream modelStreamErrorException makes the SDK throw ModelStreamErrorException after the text it had', async () => {
  let text = '';
  await withFaults({ 'x-mock-error-after': '3' }, async (c) => {
    const r = await c.send(new ConverseStreamCommand({ modelId, messages }));
    await assert.rejects(
      (async () => {
        for await (const ev of r.stream ?? []) text += ev.contentBlockDelta?.delta?.text ?? '';
      })(),
      (err: unknown) => err instanceof ModelStreamErrorException && err.originalStatusCode === 500,
    );
  });
  assert.equal(text, 'Simulated answer from');
});

test('a scripted 429 is a ThrottlingException with status 429', async () => {
  await withFaults({ 'x-mock-status': '429' }, (c) =>
    assert.rejects(c.send(new ConverseCommand({ modelId, messages })), (err: unknown) => {
      assert.ok(err instanceof ThrottlingException);
      assert.equal(err.$metadata.httpStatusCode, 429);
      return true;
    }),
  );
});

test('InvokeModelCommand embeds with Titan v2 and Cohere', async () => {
  const titan = await client.send(new InvokeModelCommand({ modelId: 'amazon.titan-embed-text-v2:0', contentType: 'application/json', body: JSON.stringify({ inputText: 'hello', dimensions: 512 }) }));
  const t = JSON.parse(new TextDecoder().decode(titan.body)) as { embedding: number[]; inputTextTokenCount: number };
  assert.equal(t.embedding.length, 512);
  assert.equal(t.inputTextTokenCount, 2);
  const cohere = await client.send(
    new InvokeModelCommand({ modelId: 'cohere.embed-english-v3', body: JSON.stringify({ texts: ['a', 'b', 'c'], input_type: 'search_document', embedding_types: ['float'] }) }),
  );
  const c = JSON.parse(new TextDecoder().decode(cohere.body)) as { embeddings: { float: number[][] } };
  assert.equal(c.embeddings.float.length, 3);
});

test('a wrong secret is refused with 403 InvalidSignatureException', async () => {
  const wrong = clientWith('not-the-secret');
  try {
    await assert.rejects(wrong.send(new ConverseCommand({ modelId, messages })), (err: unknown) => {
      assert.ok(err instanceof BedrockRuntimeServiceException);
      assert.equal(err.name, 'InvalidSignatureException');
      assert.equal(err.$metadata.httpStatusCode, 403);
      assert.match(err.message, /signature we calculated does not match/);
      return true;
    });
  } finally {
    wrong.destroy();
  }
});

/** Runs `fn` with a client that adds x-mock-* fault headers (after signing, unsigned, as a proxy would). */
async function withFaults<T>(faults: Record<string, string>, fn: (c: BedrockRuntimeClient) => Promise<T>): Promise<T> {
  const c = clientWith(MOCK_AWS_SECRET_ACCESS_KEY);
  c.middlewareStack.add(
    (next) => async (args) => {
      Object.assign((args.request as { headers: Record<string, string> }).headers, faults);
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'tollgateMockFaults' },
  );
  try {
    return await fn(c);
  } finally {
    c.destroy();
  }
}
