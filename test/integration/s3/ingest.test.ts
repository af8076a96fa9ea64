// Landing raw files in bronze: day partitions from the records, content-hash names, no duplicates —
// the same on a local-folder lake and on MinIO, through the API and through `medallion ingest`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ingest } from '../../../runtime/cli/commands/ingest.js';
import type { Io } from '../../../runtime/cli/context.js';
import { findSource, ingestFiles } from '../../../runtime/ingest/ingest.js';
import type { Lake } from '../../../runtime/lake/lake.js';
import { openLake } from '../../../runtime/lake/open.js';
import { NodeFileSystem } from '../../../runtime/project/fs.js';
import { loadProject } from '../../../runtime/project/load.js';
import type { Project } from '../../../runtime/project/types.js';
import { ACCESS_KEY_ENV, SECRET_KEY_ENV, startMinio, type Minio } from '../../support/minio.js';

const ROOT = path.resolve(__dirname, '..', '..', '..');
let minio: Minio;
let work: string;

/** Writes files (relative path → text) under `dir`. */
function write(dir: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
}

function pipeline(lake: string): string {
  return `name: shop
lake: ${lake}
sources:
  app_logs:
    format: json
    path: bronze/app_logs/**/*.json
    columns:
      event_id: { type: varchar, required: true }
      ts: { type: timestamptz, required: true }
  orders:
    format: csv
    path: bronze/orders/**/*.csv
    columns:
      order_id: { type: varchar }
      ordered_at: { type: timestamp }
`;
}

const S3_LAKE = () => `{ s3: { endpoint: '${minio.endpoint}', bucket: lake, prefix: ingest, access_key_env: ${ACCESS_KEY_ENV}, secret_key_env: ${SECRET_KEY_ENV} } }`;

async function project(lake: string): Promise<Project> {
  const dir = mkdtempSync(path.join(work, 'project-'));
  write(dir, { 'pipeline.yml': pipeline(lake) });
  const loaded = await loadProject(new NodeFileSystem(), dir);
  assert.deepEqual(loaded.diagnostics.filter((d) => d.severity === 'error'), []);
  return loaded;
}

/** Raw files as a collector would drop them; the records are out of order on purpose. */
function inputs(): Record<string, string> {
  const dir = mkdtempSync(path.join(work, 'in-'));
  const files = {
    'a.ndjson': '{"event_id":"e2","ts":"2026-01-03T08:00:00Z"}\n{"event_id":"e1","ts":"2026-01-02T23:59:00-01:00"}\n',
    'b.json': '[{"event_id":"e3","ts":"2026-02-10T10:00:00Z"}]',
    'no-ts.json': '{"event_id":"e4"}\n',
    'orders.csv': 'order_id,ordered_at\no2,2026-03-05 10:00:00\no1,2026-03-04 09:30:00\n',
  };
  write(dir, files);
  // No timestamp in the records: the file's own date decides.
  utimesSync(path.join(dir, 'no-ts.json'), new Date('2025-12-31T12:00:00Z'), new Date('2025-12-31T12:00:00Z'));
  return Object.fromEntries(Object.keys(files).map((f) => [f, path.join(dir, f)]));
}

async function checkIngest(lake: Lake, loaded: Project): Promise<void> {
  const files = inputs();
  const logs = findSource(loaded, 'app_logs')!;
  const first = await ingestFiles(lake, logs, [files['a.ndjson'], files['b.json'], files['no-ts.json']]);
  assert.deepEqual({ landed: first.landed, skipped: first.skipped, failed: first.failed }, { landed: 3, skipped: 0, failed: 0 });
  const keys = first.outcomes.map((o) => o.key!.replace(/[0-9a-f]{32}/, '<hash>'));
  assert.deepEqual(keys, [
    'bronze/app_logs/year=2026/month=01/day=03/<hash>.json', // the earliest record, 2026-01-03T00:59Z
    'bronze/app_logs/year=2026/month=02/day=10/<hash>.json',
    'bronze/app_logs/year=2025/month=12/day=31/<hash>.json',
  ]);

  // Again, plus a copy of a.ndjson under another name: nothing new.
  const copy = path.join(path.dirname(files['a.ndjson']), 'copy-of-a.jsonl');
  write(path.dirname(copy), { 'copy-of-a.jsonl': '{"event_id":"e2","ts":"2026-01-03T08:00:00Z"}\n{"event_id":"e1","ts":"2026-01-02T23:59:00-01:00"}\n' });
  const second = await ingestFiles(lake, logs, [path.dirname(copy), files['orders.csv']]);
  assert.deepEqual({ landed: second.landed, skipped: second.skipped, failed: second.failed }, { landed: 0, skipped: 4, failed: 1 });
  assert.match(second.outcomes.find((o) => o.status === 'failed')!.reason!, /not a json file/);
  assert.equal((await lake.list('bronze/app_logs/')).length, 3);
  assert.equal((await lake.get(first.outcomes[1].key!))?.toString(), '[{"event_id":"e3","ts":"2026-02-10T10:00:00Z"}]');

  const orders = await ingestFiles(lake, findSource(loaded, 'bronze.orders')!, [files['orders.csv']]);
  assert.match(orders.outcomes[0].key!, /^bronze\/orders\/year=2026\/month=03\/day=04\/[0-9a-f]{32}\.csv$/);
}

before(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'medallion-ingest-'));
  minio = await startMinio();
  await minio.createBucket('lake');
  Object.assign(process.env, minio.env);
});

after(async () => {
  await minio?.dispose();
  rmSync(work, { recursive: true, force: true });
});

describe('ingest', () => {
  it('lands files by day and content hash, once, in a local-folder lake', async () => {
    const loaded = await project('./lake');
    await checkIngest(openLake(loaded), loaded);
  });

  it('lands files by day and content hash, once, in an S3 lake', async () => {
    const loaded = await project(S3_LAKE());
    await checkIngest(openLake(loaded, { env: minio.env }), loaded);
    assert.equal((await minio.keys('lake', 'ingest/bronze/')).length, 4);
  });

  it('streams a file larger than one upload part into MinIO and back byte-equal', async () => {
    const loaded = await project(S3_LAKE().replace('prefix: ingest', 'prefix: big'));
    const lake = openLake(loaded, { env: minio.env });
    // 12 MiB of records on 2026-04-05, and the earliest one, 2026-04-01, near the end of the file.
    const file = path.join(mkdtempSync(path.join(work, 'big-')), 'events.ndjson');
    const out = createWriteStream(file);
    const filler = 'x'.repeat(200);
    let size = 0;
    for (let i = 0; size < 12 * 1024 * 1024; i++) {
      const line = `${JSON.stringify({ event_id: `e${i}`, ts: '2026-04-05T12:00:00Z', filler })}\n`;
      size += Buffer.byteLength(line);
      if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    const last = `${JSON.stringify({ event_id: 'early', ts: '2026-04-01T06:00:00Z' })}\n`;
    await new Promise<void>((resolve) => out.end(last, () => resolve()));

    const logs = findSource(loaded, 'app_logs')!;
    const result = await ingestFiles(lake, logs, [file]);
    assert.equal(result.landed, 1, JSON.stringify(result.outcomes));
    assert.match(result.outcomes[0].key!, /^bronze\/app_logs\/year=2026\/month=04\/day=01\/[0-9a-f]{32}\.json$/);
    const [object] = await lake.list('bronze/app_logs/');
    assert.equal(object.size, size + Buffer.byteLength(last));
    // A multipart ETag ends in -<parts>: just over 12 MiB in 8 MiB parts.
    assert.match(object.etag, /-2"$/);
    assert.ok(readFileSync(await lake.localPath(object)).equals(readFileSync(file)), 'the object differs from the file');

    const again = await ingestFiles(lake, logs, [file]);
    assert.deepEqual({ landed: again.landed, skipped: again.skipped }, { landed: 0, skipped: 1 });
  });

  it('reports landed and skipped files from the ingest command', async () => {
    const loaded = await project(S3_LAKE().replace('prefix: ingest', 'prefix: cli'));
    const files = inputs();
    const run = async (...args: string[]): Promise<{ code: number; out: string; err: string }> => {
      const out: string[] = [];
      const err: string[] = [];
      const io: Io = { out: (l) => out.push(l), err: (l) => err.push(l), cwd: ROOT };
      const [, source, ...paths] = args;
      const code = await ingest(paths, { source, project: loaded.root }, io).catch((e: Error) => (err.push(e.message), 1));
      return { code, out: out.join('\n'), err: err.join('\n') };
    };
    const first = await run('--source', 'app_logs', files['a.ndjson'], files['b.json']);
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /^2 landed, 0 skipped, 0 failed \(source bronze\.app_logs, lake s3:\/\/lake\/cli @ http/m);
    const again = await run('--source', 'app_logs', files['a.ndjson'], files['b.json']);
    assert.match(again.out, /^0 landed, 2 skipped, 0 failed/m);

    const unknown = await run('--source', 'app_log', files['a.ndjson']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /^no source 'app_log' in pipeline\.yml \(sources: app_logs, orders\)$/);
  });
});
