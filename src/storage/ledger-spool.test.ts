import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { toLedgerRecord, type LedgerRecord } from './ledger-entry.js';
import { decodeSpoolLine, encodeSpoolLine, LedgerSpool } from './ledger-spool.js';
import { entry } from './storage.conformance.js';

let dir: string;
let seq = 0;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tollgate-spool-unit-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function freshSpool(): LedgerSpool {
  seq += 1;
  return new LedgerSpool(join(dir, `s${seq}`, 'spool.jsonl'), join(dir, `s${seq}`, 'spool.rejected.jsonl'));
}

const records = (from: number, to: number): LedgerRecord[] =>
  Array.from({ length: to - from }, (_, i) => toLedgerRecord(entry(from + i, { cost_nanos: 2n ** 62n + BigInt(from + i) })));

const ids = (batch: readonly LedgerRecord[]): string[] => batch.map((r) => r.request_id);

test('round-trips a record exactly, money included', () => {
  const [r] = records(0, 1);
  assert.deepEqual(decodeSpoolLine(encodeSpoolLine(r!).trimEnd()), r);
  assert.throws(() => decodeSpoolLine(JSON.stringify({ v: 1, ...r, cost_nanos: '1.5' })), /cost_nanos/);
  assert.throws(() => decodeSpoolLine(JSON.stringify({ v: 2, ...r, cost_nanos: '1' })), /version/);
  assert.throws(() => decodeSpoolLine(JSON.stringify({ v: 1, ...r, cost_nanos: '1', status: '200' })), /status/);
});

test('drains in batches, in order, and removes the file once everything is replayed', async () => {
  const spool = freshSpool();
  await spool.append(records(0, 5));
  await spool.append(records(5, 7));
  const seen: string[][] = [];
  const result = await spool.drain(3, async (batch) => {
    seen.push(ids(batch));
    return true;
  });
  assert.deepEqual(result, { replayed: 7, rejected: 0, complete: true });
  assert.deepEqual(seen, [ids(records(0, 3)), ids(records(3, 6)), ids(records(6, 7))]);
  assert.equal(existsSync(spool.path), false);
  assert.deepEqual(await spool.drain(3, async () => assert.fail('nothing to replay')), { replayed: 0, rejected: 0, complete: true });
});

test('keeps the refused batch and everything after it', async () => {
  const spool = freshSpool();
  await spool.append(records(0, 10));
  let calls = 0;
  const result = await spool.drain(4, async () => ++calls === 1);
  assert.deepEqual(result, { replayed: 4, rejected: 0, complete: false });
  const left: string[] = [];
  await spool.drain(100, async (batch) => {
    left.push(...ids(batch));
    return true;
  });
  assert.deepEqual(left, ids(records(4, 10)));
});

test('keeps rows appended while a drain is running', async () => {
  const spool = freshSpool();
  await spool.append(records(0, 4));
  const result = await spool.drain(2, async (batch) => {
    if (batch[0]?.request_id === 'req-000000') await spool.append(records(4, 6));
    return true;
  });
  assert.deepEqual(result, { replayed: 4, rejected: 0, complete: false });
  const left: string[] = [];
  await spool.drain(10, async (batch) => {
    left.push(...ids(batch));
    return true;
  });
  assert.deepEqual(left, ids(records(4, 6)));
});

test('ends a torn last line before appending, and sets unreadable lines aside', async () => {
  const crashed = freshSpool();
  const [first, second] = records(0, 2);
  // A process crashed mid-append, leaving half a line without its newline.
  await crashed.append([first!]);
  await appendFile(crashed.path, encodeSpoolLine(second!).slice(0, 40));
  const spool = new LedgerSpool(crashed.path, crashed.rejectedPath);
  await spool.append(records(2, 3));
  const replayed: string[] = [];
  const result = await spool.drain(10, async (batch) => {
    replayed.push(...ids(batch));
    return true;
  });
  assert.deepEqual(replayed, ['req-000000', 'req-000002'], 'the record after the torn line is intact');
  assert.deepEqual(result, { replayed: 2, rejected: 1, complete: true });
  const rejected = readFileSync(spool.rejectedPath, 'utf8').trim().split('\n');
  assert.equal(rejected.length, 1);
  assert.match(JSON.parse(rejected[0]!).reason, /unreadable spool line/);
});

test('skips blank lines and survives a file made only of garbage', async () => {
  const spool = freshSpool();
  await spool.append(records(0, 1));
  await appendFile(spool.path, '\n\nnot json\n');
  const result = await spool.drain(10, async () => true);
  assert.deepEqual(result, { replayed: 1, rejected: 1, complete: true });

  const garbage = freshSpool();
  await mkdir(dirname(garbage.path), { recursive: true });
  await writeFile(garbage.path, 'x');
  assert.deepEqual(await garbage.drain(10, async () => true), { replayed: 0, rejected: 1, complete: true });
});
