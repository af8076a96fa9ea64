// The local-folder lake: listing, objects, and publishing a folder that replaces the old version whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalLake } from '../../../runtime/lake/local.js';
import { LakeError } from '../../../runtime/lake/lake.js';

function temp(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'medallion-lake-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('put, get, list by prefix (sorted, with size and etag) and deletePrefix', async (t) => {
  const lake = new LocalLake(path.join(temp(t), 'lake'), './lake');
  await lake.check();
  await lake.put('bronze/app/day=02/b.json', '{"a":2}\n');
  await lake.put('bronze/app/day=01/a.json', '{"a":1}\n');
  await lake.put('bronze/apple/x.json', 'x');
  assert.deepEqual((await lake.list('bronze/app/')).map((o) => o.key), ['bronze/app/day=01/a.json', 'bronze/app/day=02/b.json']);
  assert.deepEqual((await lake.list('bronze/app')).map((o) => o.key), ['bronze/app/day=01/a.json', 'bronze/app/day=02/b.json', 'bronze/apple/x.json']);
  const [first] = await lake.list('bronze/app/day=01');
  assert.equal(first.size, 8);
  assert.match(first.etag, /^8-\d+$/);
  assert.equal(readFileSync(await lake.localPath(first), 'utf8'), '{"a":1}\n');
  assert.equal((await lake.get('bronze/app/day=01/a.json'))?.toString(), '{"a":1}\n');
  assert.equal(await lake.get('nope'), undefined);
  await lake.deletePrefix('bronze/app/');
  assert.deepEqual((await lake.list('bronze/')).map((o) => o.key), ['bronze/apple/x.json']);
  await assert.rejects(lake.put('../escape.txt', 'x'), LakeError);
});

test('publishDirectory replaces the whole prefix and leaves no temp folders', async (t) => {
  const root = temp(t);
  const lake = new LocalLake(path.join(root, 'lake'));
  const v1 = path.join(root, 'v1');
  mkdirSync(path.join(v1, 'year=2026'), { recursive: true });
  writeFileSync(path.join(v1, 'year=2026', 'data_0.parquet'), 'one');
  writeFileSync(path.join(v1, 'old-only.parquet'), 'old');
  await lake.publishDirectory(v1, 'silver/events');
  const v2 = path.join(root, 'v2');
  mkdirSync(v2);
  writeFileSync(path.join(v2, 'data_0.parquet'), 'two');
  await lake.publishDirectory(v2, 'silver/events');
  assert.deepEqual((await lake.list('silver/')).map((o) => o.key), ['silver/events/data_0.parquet']);
  assert.equal((await lake.get('silver/events/data_0.parquet'))?.toString(), 'two');
  assert.deepEqual(readdirSync(path.join(root, 'lake', 'silver')), ['events']);
});

test('a publish that cannot complete keeps the previous version', async (t) => {
  const root = temp(t);
  const lake = new LocalLake(path.join(root, 'lake'));
  const v1 = path.join(root, 'v1');
  mkdirSync(v1);
  writeFileSync(path.join(v1, 'data_0.parquet'), 'one');
  await lake.publishDirectory(v1, 'gold/dau');
  await assert.rejects(lake.publishDirectory(path.join(root, 'missing-folder'), 'gold/dau'), LakeError);
  assert.equal((await lake.get('gold/dau/data_0.parquet'))?.toString(), 'one');
  assert.deepEqual(readdirSync(path.join(root, 'lake', 'gold')), ['dau']);
});
