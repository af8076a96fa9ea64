// Issue 15, item 7: bronze loads record by record. A line that is not UTF-8, a 50 MB line and an
// unterminated quote are dead-lettered (reason, original bytes, truncated text) and the rest loads,
// read = accepted + rejected + duplicates; reloading the same files writes no dead letter twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { openMemory } from '../../runtime/engine/duckdb.js';
import { LocalLake } from '../../runtime/lake/local.js';
import { loadSource, type SourceLoad } from '../../runtime/run/bronze.js';
import { tempProject, type TempProject } from '../integration/run/project.js';

const PIPELINE = `
//- /pipeline.yml
name: hostile
sources:
  events:
    format: json
    path: bronze/events/*.json
    columns:
      id: { type: integer, required: true }
      v: { type: varchar }
    dedupe_on: [id]
  rows:
    format: csv
    path: bronze/rows/*.csv
    columns:
      id: { type: integer, required: true }
      v: { type: varchar }
`;

const BIG = 50 * 1024 * 1024;
const INVALID = Buffer.from('{"id": 2, "v": "bad \xff byte"}', 'latin1');

interface Letter { file: string; line?: number; reason: string; record: string; record_base64?: string }

async function load(p: TempProject, name: string, force = false): Promise<{ result: SourceLoad; rows: unknown[]; letters: Letter[] }> {
  const { project } = await p.load();
  const source = project.sources.get(`bronze.${name}`)!;
  const db = await openMemory();
  try {
    const result = await loadSource(db, new LocalLake(path.join(p.root, 'lake')), source, { runId: 'r', tempDir: path.join(p.root, 'tmp'), force });
    assert.equal(result.read, result.accepted + result.rejected + result.duplicates, 'read = accepted + rejected + duplicates');
    const rows = (await db.query(`SELECT id, v FROM ${source.relation} ORDER BY id`)).rows.map((r) => [r.id, r.v]);
    const letters = result.rejectedKeys.flatMap((k) => readFileSync(path.join(p.root, 'lake', k), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Letter));
    return { result, rows, letters };
  } finally {
    db.close();
  }
}

const deadLetterFiles = (p: TempProject, name: string): string[] => readdirSync(path.join(p.root, 'lake', '_rejected', name)).sort();

test('JSON lines: a non-UTF-8 line, a 50 MB line and an unterminated string are dead-lettered, the rest loads', async (t) => {
  const p = tempProject(PIPELINE);
  t.after(() => p.dispose());
  p.write('lake/bronze/events/a.json', '');
  writeFileSync(path.join(p.root, 'lake/bronze/events/a.json'), Buffer.concat([
    Buffer.from('{"id": 1, "v": "ok"}\n'),
    INVALID, Buffer.from('\n'),
    Buffer.from(`{"id": 3, "v": "${'x'.repeat(BIG)}"}\n`),
    Buffer.from('{"id": 4, "v": "unterminated}\n'),
    Buffer.from('{"id": 5, "v": "ok"}\n{"id": 5, "v": "again"}\n'),
  ]));
  const { result, rows, letters } = await load(p, 'events');
  assert.deepEqual([result.read, result.accepted, result.rejected, result.duplicates], [6, 2, 3, 1]);
  assert.deepEqual(rows, [[1, 'ok'], [5, 'ok']]);
  assert.deepEqual(letters.map((l) => [l.file, l.line, l.reason.slice(0, 40)]), [
    ['bronze/events/a.json', 2, 'line 2: Invalid unicode (byte sequence m'],
    ['bronze/events/a.json', 3, 'line 3: Maximum line size of 16777216 by'],
    ['bronze/events/a.json', undefined, 'malformed JSON'],
  ]);
  assert.deepEqual(Buffer.from(letters[0].record_base64!, 'base64'), INVALID, 'the original bytes of the line that is not UTF-8');
  assert.ok(letters[1].record.length <= 10_000 && letters[1].record.startsWith('{"id": 3, "v": "xxx'), 'the 50 MB record is kept truncated');
  assert.ok(letters.every((l) => l.reason.length < 300), 'reasons stay short');
  assert.equal(letters[2].record, '{"id": 4, "v": "unterminated}');
});

test('CSV: a non-UTF-8 row, a 50 MB row and an unterminated quote are dead-lettered, the rest loads', async (t) => {
  const p = tempProject(PIPELINE);
  t.after(() => p.dispose());
  p.write('lake/bronze/rows/a.csv', '');
  writeFileSync(path.join(p.root, 'lake/bronze/rows/a.csv'), Buffer.concat([
    Buffer.from('id,v\n1,ok\n'),
    Buffer.from('2,bad \xff byte\n', 'latin1'),
    Buffer.from(`3,"${'y'.repeat(BIG)}"\n`),
    Buffer.from('4,ok\n5,"unterminated\n'),
  ]));
  p.write('lake/bronze/rows/b.csv', 'id,v\n6,"fine, quoted"\n');
  const { result, rows, letters } = await load(p, 'rows');
  assert.deepEqual([result.read, result.accepted, result.rejected, result.duplicates], [6, 3, 3, 0]);
  assert.deepEqual(rows, [[1, 'ok'], [4, 'ok'], [6, 'fine, quoted']]);
  assert.deepEqual(letters.map((l) => [l.file, l.reason.slice(0, 40)]), [
    ['bronze/rows/a.csv', 'line 3: Invalid unicode (byte sequence m'],
    ['bronze/rows/a.csv', 'line 4: Maximum line size of 16777216 by'],
    ['bronze/rows/a.csv', 'line 6: Value with unterminated quote fo'],
  ]);
  assert.equal(Buffer.from(letters[0].record_base64!, 'base64').toString('latin1'), '2,bad \xff byte');
  assert.ok(letters[1].record.length <= 10_000);
});

test('a JSON array file that is not UTF-8 is one dead letter; the other files load', async (t) => {
  const p = tempProject(PIPELINE);
  t.after(() => p.dispose());
  p.write('lake/bronze/events/a.json', '');
  writeFileSync(path.join(p.root, 'lake/bronze/events/a.json'), Buffer.concat([Buffer.from('[{"id": 1},\n'), INVALID, Buffer.from(']')]));
  p.write('lake/bronze/events/b.json', '[{"id": 7, "v": "ok"}]');
  const { result, rows, letters } = await load(p, 'events');
  assert.deepEqual([result.read, result.accepted, result.rejected], [2, 1, 1]);
  assert.deepEqual(rows, [[7, 'ok']]);
  assert.deepEqual(letters.map((l) => [l.file, l.reason]), [['bronze/events/a.json', 'not UTF-8 text']]);
  assert.match(letters[0].record, /bad \\xFF byte/);
});

test('reloading the same files writes no dead letter twice; a new file adds only its own', async (t) => {
  const p = tempProject(PIPELINE);
  t.after(() => p.dispose());
  p.write('lake/bronze/events/a.json', '{"id": 1}\nnot json\n{"id": "one"}\n');
  const first = await load(p, 'events');
  assert.equal(first.result.rejected, 2);
  const written = deadLetterFiles(p, 'events');
  assert.equal(written.length, 1);
  const again = await load(p, 'events', true);
  assert.deepEqual(again.result.rejectedKeys, first.result.rejectedKeys);
  assert.deepEqual(deadLetterFiles(p, 'events'), written, '--full-refresh writes nothing new');
  p.write('lake/bronze/events/b.json', '{"id": 2}\n{"oops": \n');
  const grown = await load(p, 'events');
  assert.equal(grown.result.rejected, 3);
  const after = deadLetterFiles(p, 'events');
  assert.equal(after.length, 2);
  const added = after.filter((f) => !written.includes(f));
  assert.deepEqual(readFileSync(path.join(p.root, 'lake/_rejected/events', added[0]), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).file), ['bronze/events/b.json']);
});
