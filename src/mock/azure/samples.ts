// Canonical Azure OpenAI wire samples (content-filter annotations, the leading prompt-filter chunk),
// rendered by the same code the server uses. The response `model` is the deployment name.

import { renderChatSample, SAMPLE_CHAT_REQUEST, SAMPLE_TOOL_REQUEST } from '../openai/samples.js';
import { AZURE_FLAVOR } from './content-filter.js';

export const SAMPLE_AZURE_DEPLOYMENT = 'my-gpt4o-deployment';

const text = renderChatSample({
  request: SAMPLE_CHAT_REQUEST,
  includeUsage: true,
  flavor: AZURE_FLAVOR,
  model: SAMPLE_AZURE_DEPLOYMENT,
});

export const SAMPLE_AZURE_CHAT_COMPLETION: string = text.completion;
export const SAMPLE_AZURE_CHAT_STREAM_WITH_USAGE: string = text.stream;
export const SAMPLE_AZURE_TOOL_CALL_STREAM: string = renderChatSample({
  request: SAMPLE_TOOL_REQUEST,
  faults: { toolCalls: 2 },
  includeUsage: true,
  flavor: AZURE_FLAVOR,
  model: SAMPLE_AZURE_DEPLOYMENT,
}).stream;
