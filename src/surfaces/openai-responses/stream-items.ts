// The state of one output item while a Responses stream is written (encode-stream.ts), and its
// JSON at any point: as added (empty), as done, or as left open by a failed stream.
import type { ReasoningBlock } from '../../core/chat.js';
import { functionCallItem, messageItem, type ItemStatus } from './output-items.js';
import { reasoningItem } from './reasoning-items.js';

export type StreamItem =
  | { readonly kind: 'message'; readonly index: number; readonly id: string; text: string; status: ItemStatus }
  | { readonly kind: 'reasoning'; readonly index: number; readonly id: string; block: ReasoningBlock; part: boolean; status: ItemStatus }
  | CallItem;
export type CallItem = { readonly kind: 'call'; readonly index: number; readonly id: string; readonly call: { readonly id: string; readonly name: string; arguments: string }; status: ItemStatus };

export function itemJson(item: StreamItem): Record<string, unknown> {
  switch (item.kind) {
    case 'message':
      return messageItem(item.id, item.status, item.status === 'in_progress' && item.text === '' ? undefined : item.text);
    case 'reasoning':
      return reasoningItem(item.id, item.block, item.status);
    case 'call':
      return functionCallItem(item.id, item.status, item.call);
  }
}
