// M8 end to end: accounting is never dropped. With the database down, requests keep being served
// and their ledger rows wait in the spool file, then replay exactly once; a shutdown writes every
// row, the one of a stream still running included. Real PostgreSQL and SQLite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startMock } from '../../src/mock/server.js';
import { openStorage } from '../../src/storage/open-storage.js';
import { startCli } from '../helpers/cli-process.js';
import { ADMIN_KEY, startHarness } from '../helpers/harness.js';
import { chatBody, governedConfig } from '../helpers/governed-config.js';
import { freshPostgres, PG_ADMIN_URL, postgresMissing } from '../helpers/services.js';

const KEY = 'Bearer sk-test-key-0123456789abcdef';
const pgSkip = await postgresMissing();

test('M8: while PostgreSQL is down requests are served, their rows spool to disk and replay exactly once', { skip: pgSkip }, async () => {
  const db = await freshPostgres();
  const spoolPath = join(mkdtempSync(join(tmpdir(), 'tg-durable-')), 'spool.jsonl');
  const h = await startHarness({ config: (mockUrl) => governedConfig({ mockUrl, spoolPath, storageUrl: db.url }) });
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  const name = new URL(db.url).pathname.slice(1);
  const post = async () => {
    const r = await fetch(`${h.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: KEY }, body: chatBody() });
    await r.text();
    return r.status;
  };
  const rows = async () => ((await (await fetch(`${h.gateway.url}/admin/logs?key=cfg:plain&limit=1000`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as { data?: Array<{ request_id: string }> }).data;
  try {
    assert.equal(await post(), 200);
    assert.equal((await rows())?.length, 1, 'stored before the outage');
    await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
    const statuses = [];
    for (let i = 0; i < 20; i++) statuses.push(await post());
    assert.ok(statuses.every((s) => s === 200), 'the database outage never fails a request');
    let spooled: string[] = [];
    for (let t = 0; t < 200 && spooled.length < 20; t++) {
      spooled = existsSync(spoolPath) ? readFileSync(spoolPath, 'utf8').split('\n').filter((l) => l.trim() !== '') : [];
      if (spooled.length < 20) await new Promise((r) => setTimeout(r, 25));
    }
    assert.equal(spooled.length, 20, 'every row of the outage is on disk');

    await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
    let listed: Array<{ request_id: string }> | undefined;
    for (let t = 0; t < 300 && (listed = await rows().catch(() => undefined))?.length !== 21; t++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(listed?.length, 21, 'replayed once the database is back');
    assert.equal(new Set(listed!.map((r) => r.request_id)).size, 21, 'each row once');
    const rec = (await (await fetch(`${h.gateway.url}/admin/reconcile`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as { ok: boolean };
    assert.equal(rec.ok, true, JSON.stringify(rec));
  } finally {
    await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`).catch(() => undefined);
    await admin.end();
    await h.close();
    await db.drop();
  }
});

test('M8: SIGTERM writes every ledger row before exit, the row of a stream still running included', async () => {
  const mock = await startMock({ port: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'tg-durable-stop-'));
  const dbFile = join(dir, 'ledger.db');
  const configPath = join(dir, 'config.yaml');
  writeFileSync(configPath, governedConfig({ mockUrl: mock.url, spoolPath: join(dir, 'spool.jsonl'), storageUrl: `sqlite://${dbFile}` }));
  const gw = await startCli(['start', '--config', configPath]);
  try {
    for (let i = 0; i < 20; i++) await (await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: KEY }, body: chatBody() })).text();
    const stream = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: KEY, 'x-mock-chunk-delay-ms': '50' }, body: chatBody({ stream: true }) });
    const reader = stream.body!.getReader();
    await reader.read();
    gw.child.kill('SIGTERM');
    while (!(await reader.read()).done);
    assert.equal(await gw.exited, 0);
  } finally {
    if (gw.child.exitCode === null) gw.child.kill('SIGKILL');
    await mock.close();
  }
  const storage = await openStorage(`sqlite://${dbFile}`);
  try {
    const r = await storage.db.selectFrom('ledger').select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<bigint>('cost_nanos').as('cost')]).executeTakeFirstOrThrow();
    assert.equal(Number(r.n), 21);
    assert.ok(BigInt(r.cost) > 0n);
    const streamed = await storage.db.selectFrom('ledger').select(['status', 'stream', 'output_tokens']).where('stream', '=', 1).execute();
    assert.deepEqual(streamed.map((x) => [x.status, x.output_tokens]), [[200, 12]], 'the stream finished and was billed in full');
  } finally {
    await storage.close();
  }
});
