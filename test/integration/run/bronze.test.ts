// Bronze loading through the raw contract: bad records are dead-lettered with a reason and the
// original record, duplicates are dropped, and read = accepted + rejected + duplicates always holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { openMemory } from '../../../runtime/engine/duckdb.js';
import { LocalLake } from '../../../runtime/lake/local.js';
import { loadSource, type SourceLoad } from '../../../runtime/run/bronze.js';
import { jsonl, tempProject, type TempProject } from './project.js';

const PIPELINE = `
//- /pipeline.yml
name: clicks
sources:
  app_logs:
    format: json
    path: bronze/app_logs/**/*.json
    columns:
      event_id: { type: varchar, required: true }
      user_id: { type: integer, required: true }
      ts: { type: timestamptz, required: true }
      action: { type: varchar }
      day: { type: integer }
    dedupe_on: [event_id]
  payments:
    format: csv
    path: bronze/payments/*.csv
    columns:
      id: { type: integer, required: true }
      amount: { type: 'decimal(10,2)' }
      paid_on: { type: date }
  snapshots:
    format: parquet
    path: bronze/snapshots
    columns:
      id: { type: bigint, required: true }
      label: { type: varchar }
`;

async function load(p: TempProject, key: string, runId = 'run-1'): Promise<{ result: SourceLoad; rows: Record<string, unknown>[]; rejected: Array<Record<string, string>> }> {
  const { project } = await p.load();
  const source = project.sources.get(`bronze.${key}`)!;
  const db = await openMemory();
  try {
    const result = await loadSource(db, new LocalLake(path.join(p.root, 'lake')), source, { runId, tempDir: path.join(p.root, 'tmp') });
    const rows = (await db.query(`SELECT * FROM ${source.relation} ORDER BY ALL`)).rows;
    const text = result.rejectedKeys.map((key) => readFileSync(path.join(p.root, 'lake', key), 'utf8')).join('');
    const rejected = text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    rejected.sort((a, b) => a.reason.localeCompare(b.reason));
    return { result, rows, rejected };
  } finally {
    db.close();
  }
}

function invariant(r: SourceLoad): void {
  assert.equal(r.read, r.accepted + r.rejected + r.duplicates, 'read = accepted + rejected + duplicates');
}

test('JSON lines: malformed line, bad timestamp and missing required field are dead-lettered; duplicates dropped', async (t) => {
  const p = tempProject(PIPELINE);
  t.after(() => p.dispose());
  p.write('lake/bronze/app_logs/day=01/a.json', jsonl([
    { event_id: 'e1', user_id: 1, ts: '2026-01-01T10:00:00Z', action: 'view' },
    '{"event_id": "e2", "user_id": 2, "ts": ',
    { event_id: 'e3', user_id: 3, ts: 'yesterday-ish' },
    { user_id: 4, ts: '2026-01-01T11:00:00Z' },
    { event_id: 'e1', user_id: 1, ts: '2026-01-01T10:00:00Z', action: 'view' },
    '',
    { event_id: 'e5', user_id: '55', ts: '2026-01-01T12:00:00+02:00', extra: { nested: true } },
  ]));
  p.write('lake/bronze/app_logs/day=02/b.json', JSON.stringify([{ event_id: 'e6', user_id: 6, ts: '2026-01-02T00:00:00Z', day: 7 }, { event_id: 'e7', user_id: 'seven', ts: '2026-01-02T00:00:00Z' }]));
  const { result, rows, rejected } = await load(p, 'app_logs');
  invariant(result);
  assert.deepEqual({ read: result.read, accepted: result.accepted, rejected: result.rejected, duplicates: result.duplicates, files: result.files }, { read: 8, accepted: 3, rejected: 4, duplicates: 1, files: 2 });
  assert.deepEqual(rows, [
    { event_id: 'e1', user_id: 1, ts: '2026-01-01 10:00:00+00', action: 'view', day: 1 },
    { event_id: 'e5', user_id: 55, ts: '2026-01-01 10:00:00+00', action: null, day: 1 },
    // The record's own value wins over the hive partition's.
    { event_id: 'e6', user_id: 6, ts: '2026-01-02 00:00:00+00', action: null, day: 7 },
  ]);
  // One dead-letter object per file with rejects, named by its content.
  assert.equal(result.rejectedKeys.length, 2);
  for (const key of result.rejectedKeys) assert.match(key, /^_rejected\/app_logs\/[0-9a-f]{32}\.jsonl$/);
  assert.deepEqual(rejected.map((r) => [r.file, r.reason, r.record]), [
    ['bronze/app_logs/day=01/a.json', 'event_id: required field is missing', '{"user_id":4,"ts":"2026-01-01T11:00:00Z"}'],
    ['bronze/app_logs/day=01/a.json', 'malformed JSON', '{"event_id": "e2", "user_id": 2, "ts": '],
    ['bronze/app_logs/day=01/a.json', 'ts: cannot cast "yesterday-ish" to timestamptz', '{"event_id":"e3","user_id":3,"ts":"yesterday-ish"}'],
    ['bronze/app_logs/day=02/b.json', 'user_id: cannot cast "seven" to integer', '{"event_id":"e7","user_id":"seven","ts":"2026-01-02T00:00:00Z"}'],
  ]);
});

test('an unchanged source is not read again; a new file is', async (t) => {
  const p = tempProject(PIPELINE);
  t.after(() => p.dispose());
  p.write('lake/bronze/app_logs/a.json', jsonl([{ event_id: 'e1', user_id: 1, ts: '2026-01-01T10:00:00Z' }]));
  const { project } = await p.load();
  const source = project.sources.get('bronze.app_logs')!;
  const lake = new LocalLake(path.join(p.root, 'lake'));
  const db = await openMemory();
  t.after(() => db.close());
  const opts = { runId: 'r', tempDir: path.join(p.root, 'tmp') };
  assert.equal((await loadSource(db, lake, source, opts)).unchanged, false);
  const again = await loadSource(db, lake, source, opts);
  assert.equal(again.unchanged, true);
  assert.equal(again.accepted, 1);
  p.write('lake/bronze/app_logs/b.json', jsonl([{ event_id: 'e2', user_id: 2, ts: '2026-01-01T10:00:00Z' }]));
  const grown = await loadSource(db, lake, source, opts);
  assert.deepEqual([grown.unchanged, grown.accepted], [false, 2]);
  assert.equal((await loadSource(db, lake, source, { ...opts, force: true })).unchanged, false);
});

test('CSV: a line that does not parse and a value that does not cast are dead-lettered', async (t) => {
  const p = tempProject(PIPELINE);
  t.after(() => p.dispose());
  p.write('lake/bronze/payments/p.csv', 'id,amount,paid_on\n1,10.50,2026-01-01\n2,abc,2026-01-02\n3,1.00,2026-01-03,extra\n,2.00,2026-01-04\n5,3.25,2026-02-30\n6,,2026-01-06\n');
  const { result, rows, rejected } = await load(p, 'payments');
  invariant(result);
  assert.deepEqual([result.read, result.accepted, result.rejected], [6, 2, 4]);
  assert.deepEqual(rows, [
    { id: 1, amount: '10.50', paid_on: '2026-01-01' },
    { id: 6, amount: null, paid_on: '2026-01-06' },
  ]);
  assert.deepEqual(rejected.map((r) => r.reason), [
    'amount: cannot cast abc to decimal(10,2)',
    'id: required field is missing',
    'line 4: Expected Number of Columns: 3 Found: 4',
    'paid_on: cannot cast 2026-02-30 to date',
  ]);
  assert.equal(rejected[2].record, '3,1.00,2026-01-03,extra');
  assert.deepEqual(JSON.parse(rejected[0].record), { id: '2', amount: 'abc', paid_on: '2026-01-02' });
});

test('Parquet: typed files are cast to the contract; a missing required value is rejected', async (t) => {
  const p = tempProject(PIPELINE);
  t.after(() => p.dispose());
  const db = await openMemory();
  const dir = path.join(p.root, 'lake', 'bronze', 'snapshots');
  execFileSync('mkdir', ['-p', dir]);
  await db.exec(`COPY (SELECT * FROM (VALUES (1, 'a', 'x'), (NULL, 'b', 'y'), (3, 'c', 'z')) v(id, label, other)) TO '${dir}/part-0.parquet' (FORMAT parquet)`);
  db.close();
  const { result, rows, rejected } = await load(p, 'snapshots');
  invariant(result);
  assert.deepEqual(rows, [{ id: '1', label: 'a' }, { id: '3', label: 'c' }]);
  assert.deepEqual(rejected.map((r) => [r.reason, JSON.parse(r.record)]), [['id: required field is missing', { id: null, label: 'b', other: 'y' }]]);
});

test('no matching files gives an empty table with the declared columns and a warning', async (t) => {
  const p = tempProject(PIPELINE);
  t.after(() => p.dispose());
  const { result, rows } = await load(p, 'app_logs');
  assert.deepEqual(rows, []);
  assert.deepEqual([result.files, result.read], [0, 0]);
  assert.match(result.warnings[0], /no files in the lake match bronze\/app_logs/);
});

test('the runner loads the sources a model reads and reports the counts', async (t) => {
  const p = tempProject(`${PIPELINE}
//- /models/silver/events.sql
select event_id, user_id from {{ source('bronze', 'app_logs') }}
`);
  t.after(() => p.dispose());
  p.write('lake/bronze/app_logs/a.json', jsonl([{ event_id: 'e1', user_id: 1, ts: '2026-01-01T10:00:00Z' }, 'nope']));
  const run = await p.run();
  assert.equal(run.success, true);
  const source = run.results.find((r) => r.id === 'source.bronze.app_logs')!;
  assert.equal(source.rows, 1);
  assert.match(source.message!, /^2 read, 1 rejected → _rejected\/app_logs\/.+\.jsonl$/);
  assert.deepEqual(run.results.map((r) => [r.id, r.status]), [['source.bronze.app_logs', 'success'], ['model.events', 'success']]);
});

test('a source without declared columns is read as the files say, every record accepted', async (t) => {
  const p = tempProject(`
//- /pipeline.yml
name: loose
sources:
  raw_json:
    format: json
    path: bronze/raw/*.json
    dedupe_on: [id]
  raw_csv:
    format: csv
    path: bronze/raw/*.csv
`);
  t.after(() => p.dispose());
  p.write('lake/bronze/raw/a.json', jsonl([{ id: 1, v: 'x' }, { id: 1, v: 'x' }, { id: 2, v: 'y' }]));
  p.write('lake/bronze/raw/a.csv', 'k,n\na,1\nb,2\n');
  const json = await load(p, 'raw_json');
  invariant(json.result);
  assert.deepEqual(json.rows, [{ id: '1', v: 'x' }, { id: '2', v: 'y' }]);
  assert.equal(json.result.duplicates, 1);
  const csv = await load(p, 'raw_csv');
  invariant(csv.result);
  assert.deepEqual(csv.rows, [{ k: 'a', n: '1' }, { k: 'b', n: '2' }]);
});
