// Acceptance: the sample pipeline with its lake on MinIO. Same rows as on a local folder, only new
// bronze files downloaded, and failures (MinIO down, bad credentials, no bucket) fail the run with
// exit code 1, a clear message, no secret, and nothing half-written in silver or gold.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCommand } from '../../../runtime/cli/commands/run.js';
import type { Io } from '../../../runtime/cli/context.js';
import { openMemory } from '../../../runtime/engine/duckdb.js';
import { literalList } from '../../../runtime/engine/sql.js';
import type { Lake } from '../../../runtime/lake/lake.js';
import { openLake } from '../../../runtime/lake/open.js';
import { NodeFileSystem } from '../../../runtime/project/fs.js';
import { loadProject } from '../../../runtime/project/load.js';
import { ACCESS_KEY_ENV, SECRET_KEY_ENV, startMinio, tripwire, type Minio } from '../../support/minio.js';

const SAMPLE = path.resolve(__dirname, '..', '..', '..', 'sample-workspace');
const MODELS = ['silver/events', 'silver/sessions', 'gold/daily_active_users', 'gold/top_pages'];
const BRONZE = 'bronze/app_logs';
let minio: Minio;
let work: string;

/** A copy of the sample project (sources and bronze only, no outputs) with `lake:` replaced. */
function sampleCopy(name: string, lake?: string): string {
  const dir = path.join(work, name);
  for (const entry of ['pipeline.yml', 'models', 'macros', 'seeds', 'tests']) cpSync(path.join(SAMPLE, entry), path.join(dir, entry), { recursive: true });
  if (lake === undefined) cpSync(path.join(SAMPLE, 'lake', BRONZE), path.join(dir, 'lake', BRONZE), { recursive: true });
  else setLake(dir, lake);
  return dir;
}

function setLake(dir: string, lake: string): void {
  const file = path.join(dir, 'pipeline.yml');
  const text = readFileSync(file, 'utf8');
  assert.match(text, /^lake: .*$/m);
  writeFileSync(file, text.replace(/^lake: .*$/m, `lake: ${lake}`));
}

function s3Lake(endpoint: string, options: { bucket?: string; keyEnv?: string; secretEnv?: string } = {}): string {
  return `{ s3: { endpoint: '${endpoint}', bucket: ${options.bucket ?? 'lake'}, prefix: sample, access_key_env: ${options.keyEnv ?? ACCESS_KEY_ENV}, secret_key_env: ${options.secretEnv ?? SECRET_KEY_ENV} } }`;
}

async function lakeOf(dir: string): Promise<Lake> {
  return openLake(await loadProject(new NodeFileSystem(), dir));
}

/** `medallion build` in process: the exit code and everything it printed. */
async function build(dir: string): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const io: Io = { out: (l) => lines.push(l), err: (l) => lines.push(l), cwd: dir };
  const code = await runCommand('build', { project: dir }, io);
  const output = lines.join('\n');
  assert.ok(!output.includes(minio.secretKey) && !output.includes(minio.accessKey), 'a credential leaked into the output');
  const results = path.join(dir, 'target', 'run_results.json');
  if (existsSync(results)) assert.ok(!readFileSync(results, 'utf8').includes(minio.secretKey), 'a credential leaked into run_results.json');
  return { code, output };
}

/** A model's rows as its published Parquet reads back, in a stable order. */
async function rows(lake: Lake, model: string): Promise<unknown[]> {
  const objects = (await lake.list(`${model}/`)).filter((o) => o.key.endsWith('.parquet'));
  assert.ok(objects.length > 0, `no Parquet for ${model} in ${lake.describe}`);
  const files = await Promise.all(objects.map((o) => lake.localPath(o)));
  const db = await openMemory();
  try {
    return (await db.query(`SELECT * FROM read_parquet(${literalList(files)}) ORDER BY ALL`)).rows;
  } finally {
    db.close();
  }
}

/** What a reader sees of every model: keys and ETags of the current version. */
async function view(lake: Lake): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const model of MODELS) out[model] = (await lake.list(`${model}/`)).map((o) => `${o.key} ${o.etag}`);
  return out;
}

/** Files of the cache, relative, excluding its .gitignore. */
function cached(dir: string): string[] {
  const cache = path.join(dir, '.medallion', 'cache');
  if (!existsSync(cache)) return [];
  return (readdirSync(cache, { recursive: true }) as string[]).filter((f) => f.endsWith('.json') && !f.endsWith('.part')).map((f) => f.split(path.sep).join('/'));
}

/** Events of one more day, made from the sample's day 3 with new ids, as a new bronze file. */
function newDay(day: string): string {
  const lines = readFileSync(path.join(SAMPLE, 'lake', BRONZE, 'year=2026/month=01/day=03/part-42-0000.json'), 'utf8').split('\n').filter(Boolean).slice(0, 200);
  return lines.map((l) => l.replace(/"event_id":"([^"]+)"/, `"event_id":"$1-${day}"`).replace(/2026-01-03T/g, `2026-01-${day}T`)).join('\n') + '\n';
}

before(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'medallion-s3-pipeline-'));
  minio = await startMinio();
  await minio.createBucket('lake');
  Object.assign(process.env, minio.env);
});

after(async () => {
  await minio?.dispose();
  rmSync(work, { recursive: true, force: true });
});

describe('the sample pipeline on MinIO', () => {
  let s3dir: string;

  it('publishes silver and gold to the bucket with the same rows as a local-folder lake', async () => {
    const local = sampleCopy('local');
    assert.equal((await build(local)).code, 0);

    s3dir = sampleCopy('s3', s3Lake(minio.endpoint));
    const lake = await lakeOf(s3dir);
    const bronze = path.join(SAMPLE, 'lake');
    for (const file of readdirSync(path.join(bronze, BRONZE), { recursive: true }) as string[]) {
      if (file.endsWith('.json')) await lake.put(`${BRONZE}/${file.split(path.sep).join('/')}`, readFileSync(path.join(bronze, BRONZE, file)));
    }
    const run = await build(s3dir);
    assert.equal(run.code, 0, run.output);

    const keys = await minio.keys('lake', 'sample/');
    for (const model of MODELS) {
      assert.ok(keys.includes(`sample/${model}/_current.json`), `${model} has no pointer: ${keys.join(', ')}`);
      assert.deepEqual(await rows(lake, model), await rows(await lakeOf(local), model), model);
    }
    assert.equal(existsSync(path.join(s3dir, 'lake')), false, 'an S3 run must not write a local lake folder');
  });

  it('downloads only the new bronze file on the next run', async () => {
    const lake = await lakeOf(s3dir);
    const before = cached(s3dir);
    assert.equal(before.filter((f) => f.includes(BRONZE)).length, 3);
    await lake.put(`${BRONZE}/year=2026/month=01/day=04/part-new.json`, newDay('04'));

    const run = await build(s3dir);
    assert.equal(run.code, 0, run.output);
    const added = cached(s3dir).filter((f) => !before.includes(f));
    assert.equal(added.length, 1, added.join(', '));
    assert.match(added[0], /\/bronze\/app_logs\/year=2026\/month=01\/day=04\/part-new\.json$/);
    const days = (await rows(lake, 'gold/daily_active_users')).map((r) => String((r as { activity_date: string }).activity_date));
    assert.deepEqual(days, ['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04']);
  });

  it('fails with exit code 1 when MinIO stops mid-run, keeps silver and gold whole, and completes after a restart', async () => {
    const lake = await lakeOf(s3dir);
    await lake.put(`${BRONZE}/year=2026/month=01/day=05/part-new.json`, newDay('05'));
    const old = await view(lake);
    // MinIO dies as the second model's Parquet is about to be uploaded: the first model is published whole.
    const wire = await tripwire(minio.endpoint, /^PUT \S*\/_versions\//, 2, () => minio.kill());
    try {
      setLake(s3dir, s3Lake(wire.endpoint));
      const failed = await build(s3dir);
      assert.equal(wire.tripped, true);
      assert.equal(failed.code, 1, failed.output);
      assert.match(failed.output, new RegExp(`Cannot reach the S3 endpoint ${wire.endpoint}`));

      await minio.restart();
      const now = await view(lake);
      const changed = MODELS.filter((m) => JSON.stringify(now[m]) !== JSON.stringify(old[m]));
      assert.ok(changed.length <= 1, `more than one model changed: ${changed.join(', ')}`);
      // Every model a reader sees is one complete version: the files its pointer lists, all present.
      for (const model of MODELS) {
        const pointer = JSON.parse((await lake.get(`${model}/_current.json`))!.toString()) as { files: string[] };
        assert.deepEqual(now[model].map((entry) => entry.split(' ')[0]), pointer.files.map((f) => `${model}/${f}`).sort(), model);
      }
      assert.deepEqual(
        (await rows(lake, 'gold/daily_active_users')).map((r) => String((r as { activity_date: string }).activity_date)),
        ['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04'],
      );

      const rerun = await build(s3dir);
      assert.equal(rerun.code, 0, rerun.output);
      assert.equal((await rows(lake, 'gold/daily_active_users')).length, 5);
      // The rerun also removed what the interrupted upload left behind: a pointer and one version per model.
      for (const model of MODELS) {
        const stored = await minio.keys('lake', `sample/${model}/`);
        const versions = new Set(stored.filter((k) => k.includes('/_versions/')).map((k) => k.split('/_versions/')[1].split('/')[0]));
        assert.equal(versions.size, 1, stored.join(', '));
      }
    } finally {
      setLake(s3dir, s3Lake(minio.endpoint));
      await wire.close();
    }
  });

  it('fails with exit code 1 and a clear message when the endpoint, the credentials or the bucket are wrong', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['down', s3Lake('http://127.0.0.1:9'), /Cannot reach the S3 endpoint http:\/\/127\.0\.0\.1:9 /],
      ['creds', s3Lake(minio.endpoint, { secretEnv: 'MEDALLION_TEST_WRONG_SECRET' }), new RegExp(`${minio.endpoint} rejected the credentials from the environment variables ${ACCESS_KEY_ENV} and MEDALLION_TEST_WRONG_SECRET`)],
      ['bucket', s3Lake(minio.endpoint, { bucket: 'no-such-bucket' }), /The bucket 'no-such-bucket' does not exist at http:\/\/127\.0\.0\.1:\d+/],
    ];
    process.env.MEDALLION_TEST_WRONG_SECRET = 'not-the-secret-1234';
    const stored = await minio.keys('lake', '');
    for (const [name, lake, message] of cases) {
      const dir = sampleCopy(`fault-${name}`, lake);
      const run = await build(dir);
      assert.equal(run.code, 1, `${name}: ${run.output}`);
      assert.match(run.output, message, name);
      assert.ok(!run.output.includes('not-the-secret-1234'), `${name}: the wrong secret leaked`);
      assert.equal(existsSync(path.join(dir, 'lake')), false);
    }
    assert.deepEqual(await minio.keys('lake', ''), stored, 'a failed run changed the bucket');
  });
});
