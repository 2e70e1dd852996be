import { test } from 'node:test';
import assert from 'node:assert/strict';
import { geminiClientKey } from './auth.js';
import { matchGeminiRoute } from './path.js';

test('generate routes: model from the path (slashes, colons, escapes), stream only with alt=sse', () => {
  const cases: [string, string, boolean, string][] = [
    ['/v1beta/models/gemini-2.5-flash:generateContent', 'gemini-2.5-flash', false, '/v1beta/models/{model}:generateContent'],
    ['/v1beta/models/gemini-2.5-flash:generateContent?alt=json&key=k', 'gemini-2.5-flash', false, '/v1beta/models/{model}:generateContent'],
    ['/v1beta/models/openai/gpt-x:streamGenerateContent?alt=sse', 'openai/gpt-x', true, '/v1beta/models/{model}:streamGenerateContent'],
    ['/v1/models/my%2Falias:streamGenerateContent?key=k&alt=sse', 'my/alias', true, '/v1/models/{model}:streamGenerateContent'],
    ['/v1beta/models/ft:gpt-x:org::id:generateContent', 'ft:gpt-x:org::id', false, '/v1beta/models/{model}:generateContent'],
    ['//v1beta//models/fast:generateContent/', 'fast', false, '/v1beta/models/{model}:generateContent'],
  ];
  for (const [url, model, stream, name] of cases) {
    const m = matchGeminiRoute(url);
    assert.equal(m?.kind, 'generate', url);
    if (m?.kind !== 'generate') continue;
    assert.equal(m.model, model, url);
    assert.equal(m.stream, stream, url);
    assert.equal(m.method, stream ? 'streamGenerateContent' : 'generateContent');
    assert.equal(m.name, name, url);
  }
});

test('paths that are not Gemini model methods are left to the caller', () => {
  for (const url of ['/v1/models', '/v1/chat/completions', '/v1beta/models/x', '/v1beta/models/:generateContent', '/v2/models/x:generateContent', '/v1beta/tunedModels/x:generateContent']) {
    assert.equal(matchGeminiRoute(url), undefined, url);
  }
});

test('a non-SSE stream, alt on generateContent, unknown methods and bad escapes are refused with a typed error', () => {
  const refused = (url: string, status: number, code: string, param: string | null): void => {
    const m = matchGeminiRoute(url);
    assert.equal(m?.kind, 'refused', url);
    if (m?.kind !== 'refused') return;
    assert.equal(m.error.status, status, url);
    assert.equal(m.error.code, code, url);
    assert.equal(m.error.param, param, url);
  };
  refused('/v1beta/models/x:streamGenerateContent', 400, 'unsupported_parameter', 'alt');
  refused('/v1beta/models/x:streamGenerateContent?alt=json', 400, 'unsupported_parameter', 'alt');
  refused('/v1beta/models/x:generateContent?alt=sse', 400, 'unsupported_parameter', 'alt');
  refused('/v1beta/models/x:countTokens', 404, 'route_not_found', null);
  refused('/v1beta/models/x:embedContent', 404, 'route_not_found', null);
  refused('/v1beta/models/bad%E0%A4:generateContent', 400, 'invalid_request', 'model');
  const m = matchGeminiRoute('/v1beta/models/x:streamGenerateContent');
  assert.match(m?.kind === 'refused' ? m.error.message : '', /alt.*sse/);
});

test('the client key comes from x-goog-api-key, else from ?key=', () => {
  assert.equal(geminiClientKey({ 'x-goog-api-key': 'h' }, '/v1beta/models/x:generateContent?key=q'), 'h');
  assert.equal(geminiClientKey({}, '/v1beta/models/x:generateContent?alt=sse&key=q%2B1'), 'q+1');
  assert.equal(geminiClientKey({ 'x-goog-api-key': ['a', 'b'] }, '/'), 'a');
  assert.equal(geminiClientKey({ 'x-goog-api-key': '' }, '/v1beta/models/x:generateContent?key='), undefined);
  assert.equal(geminiClientKey({ authorization: 'Bearer t' }, '/v1beta/models/x:generateContent'), undefined);
});
