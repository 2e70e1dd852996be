// The OpenAI module (same-wire relay) runs the stream-frame conformance suite against the simulator.
// It has no canonical event decoder yet, so the translating-adapter suite does not apply.
import { openAiProvider } from '../openai/index.js';
import { startSimulatorProcess } from './simulator-process.js';
import { streamFramesConformance } from './stream-frames.conformance.js';

streamFramesConformance({
  name: 'openai',
  model: 'gpt-4o-mini',
  encode: (req, up, model) => openAiProvider.encodeChat(req, up.endpoint, model),
  createStreamDecoder: () => openAiProvider.createStreamDecoder(),
  async start() {
    const sim = await startSimulatorProcess();
    return {
      origin: sim.url,
      endpoint: { name: 'sim', basePath: '/v1', apiKey: 'sk-test', apiVersion: undefined, organization: undefined, project: undefined, headers: {} },
      close: () => sim.close(),
    };
  },
});
