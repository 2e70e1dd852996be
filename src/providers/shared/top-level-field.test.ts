import assert from 'node:assert/strict';
import { test } from 'node:test';
import { topLevelStringSpan, withTopLevelString } from './top-level-field.js';

test('replaces only the top-level value, keeping every other byte', () => {
  const body = '{ "messages": [{"role":"user","content":"say \\"model\\": \\"x\\""}],\n  "tools":[{"input_schema":{"properties":{"model":{"type":"string"}}}}],\n  "metadata": {"model": "nested"},  "model" :  "client-alias", "max_tokens": 1.0e2 }';
  const out = withTopLevelString(body, 'model', 'claude-sonnet-4-5');
  assert.equal(out, body.replace('"client-alias"', '"claude-sonnet-4-5"'));
  assert.equal((JSON.parse(out) as { metadata: { model: string } }).metadata.model, 'nested');
});

test('handles escapes in keys and values, and a model value with escapes', () => {
  const body = '{"a\\"model":"x","model":"we\\"ird\\\\","z":1}';
  const span = topLevelStringSpan(body, 'model');
  assert.deepEqual(JSON.parse(body.slice(...span!)), 'we"ird\\');
  assert.equal(JSON.parse(withTopLevelString(body, 'model', 'm')).model, 'm');
  assert.equal(JSON.parse(withTopLevelString(body, 'model', 'm'))['a"model'], 'x');
});

test('adds the field when absent; leaves a non-string value alone (undefined span)', () => {
  assert.deepEqual(JSON.parse(withTopLevelString('{"x":1}', 'model', 'm')), { model: 'm', x: 1 });
  assert.deepEqual(JSON.parse(withTopLevelString('{}', 'model', 'm')), { model: 'm' });
  assert.equal(topLevelStringSpan('{"model":{"a":"b"}}', 'model'), undefined);
});
