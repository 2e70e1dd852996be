import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatMessage } from '../../core/chat.js';
import { GatewayError } from '../../core/errors.js';
import { decodeGenerateContentRequest } from './decode.js';

const TARGET = { model: 'gemini-x', stream: false };

function messages(body: Record<string, unknown>): readonly ChatMessage[] {
  return decodeGenerateContentRequest(body, TARGET).messages;
}

function refused(body: unknown, param: string, code = 'invalid_request'): void {
  assert.throws(
    () => decodeGenerateContentRequest(body, TARGET),
    (e: unknown) => e instanceof GatewayError && e.status === 400 && e.param === param && e.code === code,
    `expected 400 ${code} on ${param}`,
  );
}

test('system instruction first, then user parts: text, inline image as a data: URL, other media opaque', () => {
  const m = messages({
    systemInstruction: { parts: [{ text: 'Be brief' }, { text: 'Be kind' }] },
    contents: [
      {
        role: 'user',
        parts: [
          { text: 'Look' },
          { inlineData: { mimeType: 'image/png', data: 'AAAA' } },
          { inlineData: { mimeType: 'application/pdf', data: 'JVBE' } },
          { fileData: { mimeType: 'image/png', fileUri: 'https://generativelanguage.googleapis.com/v1beta/files/abc' } },
          { executableCode: { language: 'PYTHON', code: 'print(1)' } },
        ],
      },
    ],
  });
  assert.deepEqual(m, [
    { role: 'system', content: [{ type: 'text', text: 'Be brief' }, { type: 'text', text: 'Be kind' }] },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Look' },
        { type: 'image', url: 'data:image/png;base64,AAAA' },
        { type: 'opaque', wireType: 'inlineData:application/pdf' },
        { type: 'opaque', wireType: 'fileData' },
        { type: 'opaque', wireType: 'executableCode' },
      ],
    },
  ]);
  assert.deepEqual(messages({ systemInstruction: 'Short', contents: [{ parts: [{ text: 'Hi' }] }] })[0], { role: 'system', content: [{ type: 'text', text: 'Short' }] });
});

test('a tool turn: calls with and without ids, responses paired by id or by name in order, text between them', () => {
  const m = messages({
    contents: [
      { role: 'user', parts: [{ text: 'Weather in Paris and Rome, and the time?' }] },
      {
        role: 'model',
        parts: [
          { text: 'Checking', thoughtSignature: 'sigA' },
          { functionCall: { name: 'get_weather', args: { city: 'Paris' } } },
          { functionCall: { name: 'get_weather', args: { city: 'Rome' } } },
          { functionCall: { id: 'fc_t', name: 'get_time' } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { id: 'fc_t', name: 'get_time', response: { output: '12:00' } } },
          { functionResponse: { name: 'get_weather', response: { temp: 20 } } },
          { text: 'and' },
          { functionResponse: { name: 'get_weather', response: { error: 'no station' } } },
        ],
      },
    ],
  });
  assert.deepEqual(m, [
    { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome, and the time?' }] },
    {
      role: 'assistant',
      content: [{ type: 'text', text: 'Checking' }],
      toolCalls: [
        { id: 'call_1_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { id: 'call_1_2', name: 'get_weather', arguments: '{"city":"Rome"}' },
        { id: 'fc_t', name: 'get_time', arguments: '{}' },
      ],
      reasoning: [{ type: 'thinking', text: '', signature: 'sigA' }],
    },
    { role: 'tool', toolCallId: 'fc_t', content: [{ type: 'text', text: '12:00' }] },
    { role: 'tool', toolCallId: 'call_1_1', content: [{ type: 'text', text: '{"temp":20}' }] },
    { role: 'user', content: [{ type: 'text', text: 'and' }] },
    { role: 'tool', toolCallId: 'call_1_2', content: [{ type: 'text', text: 'no station' }], isError: true },
  ]);
});

test('ids are stable as the history grows, and a response id the call never had still finds its call', () => {
  const turn = [
    { role: 'user', parts: [{ text: 'q' }] },
    { role: 'model', parts: [{ functionCall: { name: 'f', args: {} } }] },
    { role: 'user', parts: [{ functionResponse: { id: 'client-made', name: 'f', response: {} } }] },
  ];
  const first = messages({ contents: turn });
  const later = messages({ contents: [...turn, { role: 'model', parts: [{ text: 'done' }] }, { role: 'user', parts: [{ text: 'more' }] }] });
  assert.deepEqual(later.slice(0, 3), first);
  assert.deepEqual(first[2], { role: 'tool', toolCallId: 'call_1_0', content: [{ type: 'text', text: '{}' }] });
});

test('streamed history: consecutive model contents are one turn; text joins; thoughts accumulate until their signature', () => {
  const m = messages({
    contents: [
      { role: 'user', parts: [{ text: 'q' }] },
      { role: 'model', parts: [{ text: 'plan ', thought: true }] },
      { role: 'model', parts: [{ text: 'more', thought: true }] },
      { role: 'model', parts: [{ text: '', thought: true, thoughtSignature: 's1' }] },
      { role: 'model', parts: [{ text: 'Hel' }] },
      { role: 'model', parts: [{ text: 'lo' }] },
      { role: 'model', parts: [{ functionCall: { id: 'c1', name: 'f', args: { a: 1 } }, thoughtSignature: 's2' }] },
      { role: 'model', parts: [{ text: '' }] },
      { role: 'model', parts: [] },
    ],
  });
  assert.deepEqual(m[1], {
    role: 'assistant',
    content: [{ type: 'text', text: 'Hello' }],
    toolCalls: [{ id: 'c1', name: 'f', arguments: '{"a":1}' }],
    reasoning: [
      { type: 'thinking', text: 'plan more', signature: 's1' },
      { type: 'thinking', text: '', signature: 's2' },
    ],
  });
  assert.equal(m.length, 2);
});

test('roles: missing → user, "function" → user side; an empty user content is still a turn', () => {
  const m = messages({
    contents: [
      { parts: [{ text: 'a' }] },
      { role: 'model', parts: [{ functionCall: { name: 'f' } }] },
      { role: 'function', parts: [{ functionResponse: { name: 'f', response: { output: 'ok' } } }] },
      { role: 'user', parts: [] },
    ],
  });
  assert.deepEqual(
    m.map((x) => x.role),
    ['user', 'assistant', 'tool', 'user'],
  );
  assert.deepEqual(m[3], { role: 'user', content: [] });
});

test('a functionResponse with media parts keeps them after its text', () => {
  const m = messages({
    contents: [
      { role: 'model', parts: [{ functionCall: { id: 'c', name: 'shot' } }] },
      { role: 'user', parts: [{ functionResponse: { id: 'c', name: 'shot', response: { output: 'see image' }, parts: [{ inlineData: { mimeType: 'image/jpeg', data: 'BBBB' } }] } }] },
    ],
  });
  assert.deepEqual(m[1], { role: 'tool', toolCallId: 'c', content: [{ type: 'text', text: 'see image' }, { type: 'image', url: 'data:image/jpeg;base64,BBBB' }] });
});

test('invalid contents are refused with the exact field path', () => {
  const user = (parts: unknown[]): unknown => ({ contents: [{ role: 'user', parts }] });
  const cases: [unknown, string, string?][] = [
    [[], 'body'],
    [{}, 'contents', 'missing_parameter'],
    [{ contents: [] }, 'contents'],
    [{ contents: {} }, 'contents'],
    [{ contents: ['hi'] }, 'contents[0]'],
    [{ contents: [{ role: 'assistant', parts: [] }] }, 'contents[0].role'],
    [{ contents: [{ role: 'user', parts: {} }] }, 'contents[0].parts'],
    [user([7]), 'contents[0].parts[0]'],
    [user([{}]), 'contents[0].parts[0]'],
    [user([{ text: 'a', inlineData: { mimeType: 'image/png', data: 'A' } }]), 'contents[0].parts[0]'],
    [user([{ text: 3 }]), 'contents[0].parts[0].text'],
    [user([{ inlineData: { data: 'A' } }]), 'contents[0].parts[0].inlineData.mimeType', 'missing_parameter'],
    [user([{ inlineData: { mimeType: 'image/png' } }]), 'contents[0].parts[0].inlineData.data', 'missing_parameter'],
    [user([{ fileData: { mimeType: 'image/png' } }]), 'contents[0].parts[0].fileData.fileUri', 'missing_parameter'],
    [user([{ functionCall: { name: 'f' } }]), 'contents[0].parts[0].functionCall'],
    [user([{ functionResponse: { response: {} } }]), 'contents[0].parts[0].functionResponse.name', 'missing_parameter'],
    [user([{ functionResponse: { name: 'f', response: {} } }]), 'contents[0].parts[0].functionResponse.name'],
    [user([{ functionResponse: { name: 'f', response: 'x' } }]), 'contents[0].parts[0].functionResponse.response'],
    [{ contents: [{ role: 'model', parts: [{ functionCall: { name: 'f', args: '{}' } }] }] }, 'contents[0].parts[0].functionCall.args'],
    [{ contents: [{ role: 'model', parts: [{ functionCall: { args: {} } }] }] }, 'contents[0].parts[0].functionCall.name', 'missing_parameter'],
    [{ contents: [{ role: 'model', parts: [{ functionResponse: { name: 'f', response: {} } }] }] }, 'contents[0].parts[0].functionResponse'],
    [{ contents: [{ role: 'model', parts: [{ text: 'x', thoughtSignature: 5 }] }] }, 'contents[0].parts[0].thoughtSignature'],
    [{ contents: [{ role: 'model', parts: [{ thought: true, text: 5 }] }] }, 'contents[0].parts[0].text'],
    [{ systemInstruction: { parts: [{ inlineData: { mimeType: 'image/png', data: 'A' } }] }, contents: [{ parts: [{ text: 'a' }] }] }, 'systemInstruction.parts[0].text'],
    [{ systemInstruction: 5, contents: [{ parts: [{ text: 'a' }] }] }, 'systemInstruction'],
  ];
  for (const [body, param, code] of cases) refused(body, param, code);
});

test('a response to a call from an earlier turn does not match (Gemini pairs a response with the turn before it)', () => {
  refused(
    {
      contents: [
        { role: 'model', parts: [{ functionCall: { name: 'f' } }] },
        { role: 'user', parts: [{ text: 'x' }] },
        { role: 'model', parts: [{ text: 'y' }] },
        { role: 'user', parts: [{ functionResponse: { name: 'f', response: {} } }] },
      ],
    },
    'contents[3].parts[0].functionResponse.name',
  );
});
