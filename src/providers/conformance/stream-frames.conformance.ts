// The conformance suite for same-wire stream relays (ProviderModule.createStreamDecoder): the frames a
// decoder classifies must add up to exactly the bytes received, end with the wire's terminator only when
// it really arrived, surface a mid-stream error frame as an error, and carry the usage. Run against
// every provider module with the simulator as the upstream.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChatRequest } from '../../core/chat.js';
import type { StreamDecoder, StreamFrame, UpstreamRequest } from '../types.js';
import { canonicalChat } from './canonical-requests.js';
import type { Upstream } from './chat-adapter.conformance.js';
import { exchange } from './wire-exchange.js';

export interface StreamFramesHarness {
  readonly name: string;
  readonly model: string;
  encode(req: ChatRequest, up: Upstream, model: string): UpstreamRequest;
  createStreamDecoder(): StreamDecoder;
  start(): Promise<Upstream>;
}

export function streamFramesConformance(h: StreamFramesHarness): void {
  describe(`${h.name}: stream frame conformance`, () => {
    let up: Upstream;
    before(async () => {
      up = await h.start();
    });
    after(() => up.close());

    async function frames(faults: Record<string, string>, tools = false): Promise<{ frames: StreamFrame[]; text: string; aborted: boolean }> {
      const req = canonicalChat('client-alias', {
        messages: [{ role: 'user', content: 'Hello there' }],
        stream: true,
        ...(tools ? { tools: ['get_weather', 'get_time'] } : {}),
      });
      const res = await exchange(up.origin, h.encode(req, up, h.model), faults);
      assert.equal(res.status, 200, res.text);
      const d = h.createStreamDecoder();
      const out: StreamFrame[] = [];
      for (const c of res.chunks) out.push(...d.push(c));
      out.push(...d.end());
      return { frames: out, text: res.text, aborted: res.aborted };
    }

    it('a complete stream: frames are exactly the bytes received, the terminator comes last, usage is read', async () => {
      const { frames: f, text } = await frames({});
      assert.equal(f.map((x) => x.raw).join(''), text);
      assert.equal(f.at(-1)?.kind, 'done');
      assert.equal(f.filter((x) => x.kind === 'done').length, 1);
      const usage = f.map((x) => (x.kind === 'usage' || x.kind === 'chunk' ? x.usage : null)).filter((u) => u !== null).at(-1);
      assert.equal(usage?.outputTokens, 12);
      assert.ok(f.some((x) => x.kind === 'chunk' && x.hasOutput));
      assert.ok(f.some((x) => x.kind === 'chunk' && x.finished));
    });

    it('R5: a parallel tool-call stream completes with output frames', async () => {
      const { frames: f } = await frames({ 'x-mock-tool-calls': '2' }, true);
      assert.equal(f.at(-1)?.kind, 'done');
      assert.ok(f.filter((x) => x.kind === 'chunk' && x.hasOutput).length >= 2);
    });

    it('R6: a cut stream has no terminator', async () => {
      const { frames: f, aborted } = await frames({ 'x-mock-cut-after': '3' });
      assert.equal(aborted, true);
      assert.equal(f.some((x) => x.kind === 'done'), false);
    });

    it('R6: a mid-stream error frame is classified as an error, with no terminator', async () => {
      const { frames: f } = await frames({ 'x-mock-error-after': '2' });
      assert.equal(f.some((x) => x.kind === 'error'), true);
      assert.equal(f.some((x) => x.kind === 'done'), false);
    });
  });
}
