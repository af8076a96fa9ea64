// The S3 lake against a real MinIO: listing past one page, the ETag cache and its pruning, atomic
// publishing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { openMemory } from '../../../runtime/engine/duckdb.js';
import { S3Lake } from '../../../runtime/lake/s3.js';
import { NodeFileSystem } from '../../../runtime/project/fs.js';
import { loadProject } from '../../../runtime/project/load.js';
import { loadSource } from '../../../runtime/run/bronze.js';
import { ACCESS_KEY_ENV, SECRET_KEY_ENV, startMinio, type Minio } from '../../support/minio.js';

let minio: Minio;
let work: string;

function lakeFor(prefix: string, cacheDir = path.join(work, `cache-${prefix}`)): S3Lake {
  return new S3Lake({
    endpoint: minio.endpoint,
    bucket: 'lake',
    prefix,
    region: 'us-east-1',
    forcePathStyle: true,
    accessKeyEnv: ACCESS_KEY_ENV,
    secretKeyEnv: SECRET_KEY_ENV,
    cacheDir,
    env: minio.env,
  });
}

/** Writes files (relative path → content) into a new folder and returns it. */
function folder(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(path.join(work, 'out-'));
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

/** Cached files (not folders) whose path ends with the key, e.g. 'bronze/p/a.json'. */
function cached(cacheDir: string, key: string): string[] {
  return (readdirSync(cacheDir, { recursive: true }) as string[]).filter((f) => f.split(path.sep).join('/').endsWith(`/${key}`));
}

async function read(lake: S3Lake, prefix: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const object of await lake.list(prefix)) out[object.key] = readFileSync(await lake.localPath(object), 'utf8');
  return out;
}

before(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'medallion-s3-'));
  minio = await startMinio();
  await minio.createBucket('lake');
});

after(async () => {
  await minio?.dispose();
  rmSync(work, { recursive: true, force: true });
});

describe('S3 lake', () => {
  it('puts, gets and lists objects under the lake prefix', async () => {
    const lake = lakeFor('basic');
    await lake.check();
    await lake.put('bronze/a/x.json', '{"a":1}\n');
    await lake.put('bronze/b/y.json', Buffer.from('{"b":2}\n'));
    assert.equal((await lake.get('bronze/a/x.json'))?.toString(), '{"a":1}\n');
    assert.equal(await lake.get('bronze/a/missing.json'), undefined);
    assert.deepEqual((await lake.list('bronze/')).map((o) => o.key), ['bronze/a/x.json', 'bronze/b/y.json']);
    assert.deepEqual((await lake.list('bronze/b')).map((o) => o.key), ['bronze/b/y.json']);
    // Another lake prefix in the same bucket sees none of it.
    assert.deepEqual(await lakeFor('other').list('bronze/'), []);
    assert.equal(lake.describe, `s3://lake/basic @ ${minio.endpoint}`);
  });

  it('lists past one page of 1,000 objects', async () => {
    const lake = lakeFor('paged');
    const keys = Array.from({ length: 1100 }, (_, i) => `bronze/many/f${String(i).padStart(4, '0')}.json`);
    for (let i = 0; i < keys.length; i += 100) await Promise.all(keys.slice(i, i + 100).map((key) => lake.put(key, key)));
    const listed = await lake.list('bronze/many/');
    assert.equal(listed.length, 1100);
    assert.deepEqual(listed.map((o) => o.key), keys);
    await lake.deletePrefix('bronze/many/');
    assert.deepEqual(await lake.list('bronze/many/'), []);
  });

  it('downloads an object once and again only when its ETag changes', async () => {
    const cacheDir = path.join(work, 'shared-cache');
    const lake = lakeFor('cached', cacheDir);
    await lake.put('bronze/s/a.json', 'first');
    const [object] = await lake.list('bronze/s/');
    const file = await lake.localPath(object);
    assert.equal(readFileSync(file, 'utf8'), 'first');
    assert.equal(await lake.localPath(object), file);
    assert.deepEqual({ downloads: lake.cache.stats.downloads, hits: lake.cache.stats.hits }, { downloads: 1, hits: 1 });

    // A second lake over the same cache folder (a later run) reuses the file.
    const later = lakeFor('cached', cacheDir);
    assert.equal(await later.localPath((await later.list('bronze/s/'))[0]), file);
    assert.equal(later.cache.stats.downloads, 0);

    await lake.put('bronze/s/a.json', 'second');
    const [changed] = await lake.list('bronze/s/');
    assert.notEqual(changed.etag, object.etag);
    assert.equal(readFileSync(await lake.localPath(changed), 'utf8'), 'second');
    assert.deepEqual(lake.cache.stats.downloadedKeys, ['bronze/s/a.json', 'bronze/s/a.json']);
    assert.deepEqual((readdirSync(cacheDir, { recursive: true }) as string[]).filter((f) => f.endsWith('.part')), []);
    assert.match(file, /[/\\]bronze[/\\]s[/\\]a\.json$/);
  });

  it('prunes the cached copies of rewritten and deleted objects when a source load lists them', async () => {
    const cacheDir = path.join(work, 'prune-cache');
    const lake = lakeFor('prune', cacheDir);
    const dir = folder({ 'pipeline.yml': 'name: prune\nsources:\n  p:\n    format: json\n    path: bronze/p/*.json\n    columns:\n      id: { type: integer }\n' });
    const { sources } = await loadProject(new NodeFileSystem(), dir);
    const source = sources.get('bronze.p')!;
    const load = async (runId: string): Promise<number[]> => {
      const db = await openMemory();
      try {
        await loadSource(db, lake, source, { runId, tempDir: path.join(dir, 'tmp') });
        return (await db.query('SELECT id FROM bronze.p ORDER BY id')).rows.map((r) => Number(r.id));
      } finally {
        db.close();
      }
    };
    await lake.put('bronze/p/a.json', '{"id":1}\n');
    await lake.put('bronze/p/b.json', '{"id":2}\n');
    await lake.put('bronze/other/c.json', '{"id":3}\n');
    await read(lake, 'bronze/other/');
    assert.deepEqual(await load('r1'), [1, 2]);
    assert.equal(cached(cacheDir, 'bronze/p/a.json').length, 1);

    // Rewritten: the next load downloads the new content, and only that copy stays.
    await lake.put('bronze/p/a.json', '{"id":10}\n');
    assert.deepEqual(await load('r2'), [2, 10]);
    const [entry, ...more] = cached(cacheDir, 'bronze/p/a.json');
    assert.deepEqual(more, []);
    assert.equal(readFileSync(path.join(cacheDir, entry), 'utf8'), '{"id":10}\n');

    // Deleted: its copy is gone after the next load; other prefixes keep theirs.
    await lake.deletePrefix('bronze/p/b.json');
    assert.deepEqual(await load('r3'), [10]);
    assert.deepEqual(cached(cacheDir, 'bronze/p/b.json'), []);
    assert.equal(cached(cacheDir, 'bronze/other/c.json').length, 1);
    assert.equal(lake.cache.stats.pruned, 2);
    // No emptied hash folders are left behind: one folder per live entry.
    const hashes = readdirSync(cacheDir, { withFileTypes: true }).filter((e) => e.isDirectory());
    assert.equal(hashes.length, 2);
  });

  it('publishes a folder atomically behind a pointer and retires the old version', async () => {
    const lake = lakeFor('pub');
    await lake.publishDirectory(folder({ 'part-0.parquet': 'v1-0', 'date=2026-01-01/part-1.parquet': 'v1-1' }), 'gold/daily');
    assert.deepEqual(await read(lake, 'gold/'), {
      'gold/daily/date=2026-01-01/part-1.parquet': 'v1-1',
      'gold/daily/part-0.parquet': 'v1-0',
    });
    assert.equal((await lake.get('gold/daily/part-0.parquet'))?.toString(), 'v1-0');
    assert.equal(await lake.get('gold/daily/part-9.parquet'), undefined);
    // A prefix inside the published folder resolves through the pointer above it.
    assert.deepEqual(await read(lake, 'gold/daily/date=2026-01-01/'), { 'gold/daily/date=2026-01-01/part-1.parquet': 'v1-1' });

    await lake.publishDirectory(folder({ 'part-0.parquet': 'v2-0' }), 'gold/daily/');
    assert.deepEqual(await read(lake, 'gold/daily/'), { 'gold/daily/part-0.parquet': 'v2-0' });
    assert.deepEqual(await read(lake, 'gold/daily/date=2026-01-01/'), {});
    // Physically: the pointer and one version, nothing else.
    const stored = await minio.keys('lake', 'pub/gold/daily/');
    assert.equal(stored.length, 2, stored.join(', '));
    const pointer = JSON.parse((await lake.get('gold/daily/_current.json'))!.toString());
    assert.deepEqual(pointer.files, ['part-0.parquet']);
    assert.ok(stored.includes(`pub/gold/daily/_versions/${pointer.version}/part-0.parquet`));
  });

  it('streams a large file up in parts and back through the cache', async (t) => {
    const lake = lakeFor('big');
    const size = 24 * 1024 * 1024;
    const content = randomBytes(size);
    const dir = folder({ 'part-0.parquet': content });
    let started = process.hrtime.bigint();
    await lake.publishDirectory(dir, 'silver/big');
    const upload = Number(process.hrtime.bigint() - started) / 1e9;
    const [object] = await lake.list('silver/big/');
    assert.equal(object.size, size);
    // A multipart ETag ends in -<parts>: 24 MiB in 8 MiB parts.
    assert.match(object.etag, /-3"$/);
    started = process.hrtime.bigint();
    const file = await lake.localPath(object);
    const download = Number(process.hrtime.bigint() - started) / 1e9;
    assert.ok(readFileSync(file).equals(content));
    const mb = size / 1024 / 1024;
    t.diagnostic(`24 MiB: upload ${(mb / upload).toFixed(0)} MiB/s, download ${(mb / download).toFixed(0)} MiB/s`);
  });
});
