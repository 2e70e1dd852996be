// Hot reload: a valid new config is swapped in atomically while requests flow (none fails); an
// invalid one never replaces the running config and fails loudly (answer, metric, log line).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ADMIN_KEY, authHeaders, startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
let original: string;
before(async () => {
  h = await startHarness();
  original = readFileSync(h.configPath, 'utf8');
});
after(async () => h.close());

const reload = () => fetch(`${h.gateway.url}/admin/config/reload`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}` } });

async function load(stopAt: () => boolean, concurrency: number): Promise<{ ok: number; failed: string[] }> {
  let ok = 0;
  const failed: string[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async (_, i) => {
      while (!stopAt()) {
        const stream = i % 2 === 0;
        const res = await fetch(`${h.gateway.url}/v1/chat/completions`, {
          method: 'POST',
          headers: authHeaders(),
          body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'during reload' }], stream }),
        });
        const text = await res.text();
        if (res.status === 200 && (!stream || text.trimEnd().endsWith('data: [DONE]'))) ok++;
        else failed.push(`${res.status} ${text.slice(0, 200)}`);
      }
    }),
  );
  return { ok, failed };
}

test('no request fails while valid configs are reloaded under load', async () => {
  let stop = false;
  const running = load(() => stop, 16);
  const before = h.gateway.config.current.generation;
  for (let i = 0; i < 10; i++) {
    // Alternate between two valid configs: an extra alias appears and disappears.
    h.writeConfig(i % 2 === 0 ? original.replace('  chat:\n', '  chat:\n    aliases: [chat-alias]\n') : original);
    const r = await reload();
    assert.equal(r.status, 200, await r.text());
    await new Promise((r) => setTimeout(r, 50));
  }
  stop = true;
  const { ok, failed } = await running;
  assert.deepEqual(failed, []);
  assert.ok(ok > 50, `only ${ok} requests completed`);
  assert.equal(h.gateway.config.current.generation, before + 10);
});

test('an invalid config is refused and the running one keeps serving', async () => {
  h.writeConfig(original);
  await reload();
  const generation = h.gateway.config.current.generation;
  h.writeConfig(original.replace('type: openai-compatible', 'type: openai-compatibel') + '\nbogus_section: 1\n');
  const r = await reload();
  assert.equal(r.status, 422);
  const body = (await r.json()) as { error: { code: string; problems: Array<{ path: string }> } };
  assert.equal(body.error.code, 'invalid_config');
  assert.deepEqual(body.error.problems.map((p) => p.path).sort(), ['bogus_section', 'providers.sim.type']);
  assert.equal(h.gateway.config.current.generation, generation);
  const chat = await fetch(`${h.gateway.url}/v1/chat/completions`, { method: 'POST', headers: authHeaders(), body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'still here' }] }) });
  assert.equal(chat.status, 200);
  const metrics = await (await fetch(`${h.gateway.url}/metrics`)).text();
  assert.match(metrics, /tollgate_config_reload_failures_total\{trigger="admin-api"\} [1-9]/);
  assert.ok(h.logs.some((l) => l['msg'] === 'config reload refused; the running config is kept'));
  h.writeConfig(original);
});

test('a file change triggers a reload when watching is on', async () => {
  h.gateway.config.watchFile(50);
  const generation = h.gateway.config.current.generation;
  h.writeConfig(original.replace('  chat:\n', '  chat:\n    aliases: [watched-alias]\n'));
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && h.gateway.config.current.generation === generation) await new Promise((r) => setTimeout(r, 50));
  assert.ok(h.gateway.config.current.models.has('watched-alias'));
});

test('the admin API refuses a wrong admin key', async () => {
  const r = await fetch(`${h.gateway.url}/admin/config/reload`, { method: 'POST', headers: { authorization: 'Bearer not-the-admin-key-at-all' } });
  assert.equal(r.status, 401);
});
