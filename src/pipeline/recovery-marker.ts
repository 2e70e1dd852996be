// The event that tells a client its stream was continued on another deployment (stream_recovery:
// continue, FAILURE-MODES R3): the response headers went out with the first deployment's name, so
// the switch is said in the stream itself, just before its terminator. Each wire gets a frame its
// clients already skip: an OpenAI chunk with no choices, an Anthropic event of an unknown type
// (Anthropic's versioning policy says clients must ignore those), a Gemini chunk with no candidates.
import type { Wire } from '../core/chat.js';

export interface StreamResume {
  /** The deployment whose stream broke, and the one that continued it. */
  readonly from: string;
  readonly to: string;
  /** The error code that broke the stream. */
  readonly after: string;
  /** Characters of answer the client had when the continuation started (the assistant prefix). */
  readonly prefixChars: number;
}

export function recoveryMarkerFrame(wire: Wire, resumes: readonly StreamResume[]): string {
  const resumed = resumes.map((r) => ({ from: r.from, to: r.to, after: r.after, prefix_chars: r.prefixChars }));
  switch (wire) {
    case 'anthropic-messages':
      return `event: tollgate_stream_recovery\ndata: ${JSON.stringify({ type: 'tollgate_stream_recovery', resumed })}\n\n`;
    case 'openai-responses':
      return `event: tollgate.stream_recovery\ndata: ${JSON.stringify({ type: 'tollgate.stream_recovery', resumed })}\n\n`;
    case 'gemini-generate':
      return `data: ${JSON.stringify({ tollgateStreamRecovery: { resumed } })}\r\n\r\n`;
    default:
      return `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [], tollgate_stream_recovery: { resumed } })}\n\n`;
  }
}
