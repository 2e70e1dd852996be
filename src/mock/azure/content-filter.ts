// Azure OpenAI's content-filter annotations (providers.md §7), always "nothing filtered" here.
// Rendered once as raw JSON members for the chat encoder's flavour.

import { OPENAI_FLAVOR, type ChatFlavor } from '../openai/chat-encode.js';

const SAFE = '{"filtered":false,"severity":"safe"}';
const NOT_DETECTED = '{"filtered":false,"detected":false}';

const PROMPT_RESULTS =
  `[{"prompt_index":0,"content_filter_results":{"hate":${SAFE},"jailbreak":${NOT_DETECTED},` +
  `"self_harm":${SAFE},"sexual":${SAFE},"violence":${SAFE}}}]`;

const CHOICE_RESULTS =
  `{"hate":${SAFE},"protected_material_code":${NOT_DETECTED},"protected_material_text":${NOT_DETECTED},` +
  `"self_harm":${SAFE},"sexual":${SAFE},"violence":${SAFE}}`;

/** Azure opens a stream with a chunk that has no choices and no id, only the prompt's filter results. */
const PROMPT_FILTER_FRAME =
  `data: {"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":${PROMPT_RESULTS}}\n\n`;

export const AZURE_FLAVOR: ChatFlavor = Object.freeze({
  ...OPENAI_FLAVOR,
  completionMembers: `,"prompt_filter_results":${PROMPT_RESULTS}`,
  contentChoiceMembers: `,"content_filter_results":${CHOICE_RESULTS}`,
  bareChoiceMembers: ',"content_filter_results":{}',
  leadingFrames: [PROMPT_FILTER_FRAME],
});
