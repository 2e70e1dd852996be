import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatMessage } from '../../core/chat.js';
import { isMistralToolId, MistralToolIds } from './tool-ids.js';

function turn(...ids: string[]): ChatMessage[] {
  return [
    { role: 'assistant', content: [], toolCalls: ids.map((id) => ({ id, name: 'f', arguments: '{}' })) },
    ...ids.map((id): ChatMessage => ({ role: 'tool', toolCallId: id, content: [] })),
  ];
}

test("Mistral's own ids pass unchanged; others become 9 characters [a-zA-Z0-9]", () => {
  const ids = new MistralToolIds(turn('D681PevKs', 'call_abc123', 'toolu_01A09q90qw90lq917835lq9'));
  assert.equal(ids.wire('D681PevKs'), 'D681PevKs');
  for (const id of ['call_abc123', 'toolu_01A09q90qw90lq917835lq9']) assert.ok(isMistralToolId(ids.wire(id)), ids.wire(id));
  assert.notEqual(ids.wire('call_abc123'), ids.wire('toolu_01A09q90qw90lq917835lq9'));
});

test('deterministic: the same id maps the same way in every request, so multi-turn history stays consistent', () => {
  const a = new MistralToolIds(turn('call_1')).wire('call_1');
  const b = new MistralToolIds([...turn('call_0'), ...turn('call_1')]).wire('call_1');
  assert.equal(a, b);
});

test('injective within a request: a rewritten id never takes an id already present', () => {
  const taken = new MistralToolIds(turn('call_1')).wire('call_1');
  const ids = new MistralToolIds(turn(taken, 'call_1'));
  assert.equal(ids.wire(taken), taken);
  assert.notEqual(ids.wire('call_1'), taken);
  assert.ok(isMistralToolId(ids.wire('call_1')));
});
