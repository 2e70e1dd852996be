import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../../core/errors.js';
import { decodeGenerateContentRequest, geminiIgnoredHints } from './decode.js';

const TARGET = { model: 'gemini-x', stream: false };
const CONTENTS = [{ role: 'user', parts: [{ text: 'Hi' }] }];

function decode(extra: Record<string, unknown>, target = TARGET): ReturnType<typeof decodeGenerateContentRequest> {
  return decodeGenerateContentRequest({ contents: CONTENTS, ...extra }, target);
}

function refused(extra: Record<string, unknown>, param: string, code = 'invalid_request'): void {
  assert.throws(
    () => decode(extra),
    (e: unknown) => e instanceof GatewayError && e.status === 400 && e.param === param && e.code === code,
    `expected 400 ${code} on ${param}`,
  );
}

const WEATHER = { name: 'get_weather', description: 'Weather', parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } } } };
const TIME = { name: 'get_time', parameters: { type: 'OBJECT', properties: { tz: { type: 'STRING', nullable: true, example: 'CET' } }, required: ['tz'], propertyOrdering: ['tz'] } };
const TOOLS = [{ functionDeclarations: [WEATHER, TIME] }, { googleSearch: {} }, { codeExecution: {} }];

test('a minimal request: model from the path, frozen, the body kept as source; streams always report usage', () => {
  const r = decode({});
  assert.equal(r.model, 'gemini-x');
  assert.equal(r.stream, false);
  assert.equal(r.streamIncludeUsage, false);
  assert.deepEqual(r.messages, [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }]);
  assert.equal(r.source.wire, 'gemini-generate');
  assert.deepEqual(r.source.body, { contents: CONTENTS });
  assert.ok(Object.isFrozen(r) && Object.isFrozen(r.messages) && Object.isFrozen(r.source.body));
  const s = decode({}, { model: 'openai/gpt-x', stream: true });
  assert.equal(s.model, 'openai/gpt-x');
  assert.equal(s.stream, true);
  assert.equal(s.streamIncludeUsage, true);
  assert.equal(decode({ model: 'models/gemini-x' }).model, 'gemini-x');
});

test('tools: declarations (OpenAPI schema turned into JSON Schema), server tools opaque', () => {
  const r = decode({ tools: TOOLS });
  assert.deepEqual(r.tools, [
    { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
    { name: 'get_time', parameters: { type: 'object', properties: { tz: { type: ['string', 'null'], examples: ['CET'] } }, required: ['tz'] } },
  ]);
  assert.deepEqual(r.opaqueTools, ['googleSearch', 'codeExecution']);
  assert.equal(r.toolChoice, undefined);
});

test('function calling modes → tool choice; one allowed name is a named choice, several narrow the tools', () => {
  const choice = (fcc: Record<string, unknown>): ReturnType<typeof decode> => decode({ tools: TOOLS, toolConfig: { functionCallingConfig: fcc } });
  assert.equal(choice({ mode: 'AUTO' }).toolChoice, 'auto');
  assert.equal(choice({ mode: 'ANY' }).toolChoice, 'required');
  assert.equal(choice({ mode: 'NONE' }).toolChoice, 'none');
  assert.equal(choice({}).toolChoice, undefined);
  const named = choice({ mode: 'ANY', allowedFunctionNames: ['get_time'] });
  assert.deepEqual(named.toolChoice, { name: 'get_time' });
  assert.equal(named.tools?.length, 2);
  const narrowed = choice({ mode: 'ANY', allowedFunctionNames: ['get_time', 'get_weather'] });
  assert.equal(narrowed.toolChoice, 'required');
  assert.deepEqual(narrowed.tools?.map((t) => t.name), ['get_weather', 'get_time']);
  const one = decode({ tools: [{ functionDeclarations: [WEATHER, TIME, { name: 'third' }] }], toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['third', 'get_time'] } } });
  assert.deepEqual(one.tools?.map((t) => t.name), ['get_time', 'third']);
  const validated = choice({ mode: 'VALIDATED' });
  assert.equal(validated.toolChoice, 'auto');
  assert.ok(validated.tools?.every((t) => t.strict === true));
});

test('generationConfig maps onto the canonical sampling, output and reasoning fields', () => {
  const r = decode({
    generationConfig: {
      temperature: 1.5,
      topP: 0.9,
      topK: 40,
      candidateCount: 2,
      maxOutputTokens: 512,
      stopSequences: ['END'],
      seed: 7,
      presencePenalty: 0.5,
      frequencyPenalty: -0.5,
      responseLogprobs: true,
      logprobs: 3,
      thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
    },
  });
  assert.equal(r.temperature, 1.5);
  assert.equal(r.topP, 0.9);
  assert.equal(r.topK, 40);
  assert.equal(r.n, 2);
  assert.equal(r.maxOutputTokens, 512);
  assert.deepEqual(r.stop, ['END']);
  assert.equal(r.seed, 7);
  assert.equal(r.presencePenalty, 0.5);
  assert.equal(r.frequencyPenalty, -0.5);
  assert.equal(r.logprobs, true);
  assert.equal(r.topLogprobs, 3);
  assert.equal(r.reasoningBudgetTokens, 1024);
  assert.equal(r.reasoningEffort, undefined);

  const thinking = (tc: Record<string, unknown>): [string | undefined, number | undefined] => {
    const x = decode({ generationConfig: { thinkingConfig: tc } });
    return [x.reasoningEffort, x.reasoningBudgetTokens];
  };
  assert.deepEqual(thinking({ thinkingBudget: 0 }), ['none', undefined]);
  assert.deepEqual(thinking({ thinkingBudget: -1 }), [undefined, undefined]);
  assert.deepEqual(thinking({ thinkingLevel: 'LOW' }), ['low', undefined]);
  assert.deepEqual(thinking({ thinkingLevel: 'high' }), ['high', undefined]);
  assert.deepEqual(thinking({ thinkingLevel: 'MINIMAL' }), ['minimal', undefined]);
});

test('structured output: a schema (either form) → json_schema, application/json alone → json_object', () => {
  const fmt = (g: Record<string, unknown>): unknown => decode({ generationConfig: g }).responseFormat;
  assert.deepEqual(fmt({ responseMimeType: 'application/json', responseJsonSchema: { type: 'object', properties: { a: { type: 'integer' } } } }), {
    type: 'json_schema',
    name: 'response',
    schema: { type: 'object', properties: { a: { type: 'integer' } } },
  });
  assert.deepEqual(fmt({ responseMimeType: 'application/json', responseSchema: { type: 'ARRAY', items: { type: 'STRING', enum: ['a', 'b'] } } }), {
    type: 'json_schema',
    name: 'response',
    schema: { type: 'array', items: { type: 'string', enum: ['a', 'b'] } },
  });
  assert.deepEqual(fmt({ responseMimeType: 'application/json' }), { type: 'json_object' });
  assert.equal(fmt({ responseMimeType: 'text/plain' }), undefined);
  assert.equal(fmt({ temperature: 1 }), undefined);
});

test('labels → metadata; hints are left out and listed; cachedContent is refused (R7)', () => {
  assert.deepEqual(decode({ labels: { team: 'a' } }).metadata, { team: 'a' });
  const body = {
    contents: CONTENTS,
    safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
    serviceTier: 'flex',
    generationConfig: { mediaResolution: 'MEDIA_RESOLUTION_LOW', thinkingConfig: { includeThoughts: true } },
    toolConfig: { retrievalConfig: {}, functionCallingConfig: { streamFunctionCallArguments: true } },
  };
  assert.doesNotThrow(() => decodeGenerateContentRequest(body, TARGET));
  assert.deepEqual(geminiIgnoredHints(body), [
    'safetySettings',
    'serviceTier',
    'generationConfig.mediaResolution',
    'generationConfig.thinkingConfig.includeThoughts',
    'toolConfig.retrievalConfig',
    'toolConfig.functionCallingConfig.streamFunctionCallArguments',
  ]);
  assert.deepEqual(geminiIgnoredHints({ contents: CONTENTS }), []);
  refused({ cachedContent: 'cachedContents/abc' }, 'cachedContent', 'unsupported_parameter');
});

test('R7: output the canonical answer cannot carry is refused, never dropped', () => {
  refused({ generationConfig: { responseModalities: ['TEXT', 'IMAGE'] } }, 'generationConfig.responseModalities', 'unsupported_parameter');
  refused({ generationConfig: { responseMimeType: 'text/x.enum', responseSchema: { type: 'STRING', enum: ['a'] } } }, 'generationConfig.responseMimeType', 'unsupported_parameter');
  assert.doesNotThrow(() => decode({ generationConfig: { responseModalities: ['TEXT'] } }));
});

test('invalid tools, tool config and generation config are refused with the exact field path', () => {
  const fcc = (v: unknown): Record<string, unknown> => ({ tools: TOOLS, toolConfig: { functionCallingConfig: v } });
  const g = (v: Record<string, unknown>): Record<string, unknown> => ({ generationConfig: v });
  const cases: [Record<string, unknown>, string, string?][] = [
    [{ model: 'models/other' }, 'model'],
    [{ tools: {} }, 'tools'],
    [{ tools: [5] }, 'tools[0]'],
    [{ tools: [{ functionDeclarations: {} }] }, 'tools[0].functionDeclarations'],
    [{ tools: [{ functionDeclarations: [{ description: 'x' }] }] }, 'tools[0].functionDeclarations[0].name', 'missing_parameter'],
    [{ tools: [{ functionDeclarations: [WEATHER] }, { functionDeclarations: [WEATHER] }] }, 'tools[1].functionDeclarations[0].name'],
    [{ tools: [{ functionDeclarations: [{ name: 'f', parameters: 'x' }] }] }, 'tools[0].functionDeclarations[0].parameters'],
    [{ tools: [{ functionDeclarations: [{ name: 'f', parameters: {}, parametersJsonSchema: {} }] }] }, 'tools[0].functionDeclarations[0].parametersJsonSchema'],
    [{ toolConfig: 5 }, 'toolConfig'],
    [fcc(5), 'toolConfig.functionCallingConfig'],
    [fcc({ mode: 'SOMETIMES' }), 'toolConfig.functionCallingConfig.mode'],
    [fcc({ mode: 'ANY', allowedFunctionNames: 'get_time' }), 'toolConfig.functionCallingConfig.allowedFunctionNames'],
    [fcc({ mode: 'ANY', allowedFunctionNames: ['nope'] }), 'toolConfig.functionCallingConfig.allowedFunctionNames[0]'],
    [fcc({ mode: 'NONE', allowedFunctionNames: ['get_time'] }), 'toolConfig.functionCallingConfig.allowedFunctionNames'],
    [{ generationConfig: [] }, 'generationConfig'],
    [g({ temperature: 2.5 }), 'generationConfig.temperature'],
    [g({ topP: '1' }), 'generationConfig.topP'],
    [g({ topK: 1.5 }), 'generationConfig.topK'],
    [g({ candidateCount: 0 }), 'generationConfig.candidateCount'],
    [g({ maxOutputTokens: 0 }), 'generationConfig.maxOutputTokens'],
    [g({ stopSequences: 'END' }), 'generationConfig.stopSequences'],
    [g({ seed: 'x' }), 'generationConfig.seed'],
    [g({ presencePenalty: 3 }), 'generationConfig.presencePenalty'],
    [g({ logprobs: 2 }), 'generationConfig.logprobs'],
    [g({ responseLogprobs: 'yes' }), 'generationConfig.responseLogprobs'],
    [g({ responseSchema: { type: 'OBJECT' }, responseJsonSchema: { type: 'object' } }), 'generationConfig.responseJsonSchema'],
    [g({ responseMimeType: 'text/plain', responseJsonSchema: { type: 'object' } }), 'generationConfig.responseMimeType'],
    [g({ responseSchema: 'object' }), 'generationConfig.responseSchema'],
    [g({ responseModalities: 'TEXT' }), 'generationConfig.responseModalities'],
    [g({ thinkingConfig: 1 }), 'generationConfig.thinkingConfig'],
    [g({ thinkingConfig: { thinkingBudget: -2 } }), 'generationConfig.thinkingConfig.thinkingBudget'],
    [g({ thinkingConfig: { thinkingLevel: 'ULTRA' } }), 'generationConfig.thinkingConfig.thinkingLevel'],
    [g({ thinkingConfig: { thinkingLevel: 'LOW', thinkingBudget: 10 } }), 'generationConfig.thinkingConfig.thinkingLevel'],
    [{ labels: { a: 1 } }, 'labels.a'],
  ];
  for (const [extra, param, code] of cases) refused(extra, param, code);
});
