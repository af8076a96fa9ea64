// Failures of the S3 lake: each is a LakeError that names what to fix and never carries a secret,
// and MinIO dying in the middle of a publish leaves the previous version in place.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LakeError } from '../../../runtime/lake/lake.js';
import { S3Lake, type S3LakeOptions } from '../../../runtime/lake/s3.js';
import { ACCESS_KEY_ENV, SECRET_KEY_ENV, startMinio, tripwire, type Minio } from '../../support/minio.js';

let minio: Minio;
let work: string;

function lakeFor(overrides: Partial<S3LakeOptions> = {}): S3Lake {
  return new S3Lake({
    endpoint: minio.endpoint,
    bucket: 'lake',
    prefix: 'faults',
    region: 'us-east-1',
    forcePathStyle: true,
    accessKeyEnv: ACCESS_KEY_ENV,
    secretKeyEnv: SECRET_KEY_ENV,
    cacheDir: path.join(work, 'cache'),
    env: minio.env,
    ...overrides,
  });
}

/** Runs `action`, expecting a LakeError; checks no credential leaks into it and returns its message. */
async function lakeError(action: () => Promise<unknown>): Promise<string> {
  try {
    await action();
  } catch (err) {
    assert.ok(err instanceof LakeError, `expected a LakeError, got ${String(err)}`);
    const text = `${err.message} ${err.hint ?? ''}`;
    assert.ok(!text.includes(minio.secretKey), 'the secret key leaked into the error');
    assert.ok(!text.includes(minio.accessKey), 'the access key leaked into the error');
    assert.ok(!text.includes('wrong-secret-value'), 'the wrong secret leaked into the error');
    return err.message;
  }
  assert.fail('expected the lake operation to fail');
}

function folder(count: number, tag: string): string {
  const dir = mkdtempSync(path.join(work, 'out-'));
  for (let i = 0; i < count; i++) writeFileSync(path.join(dir, `part-${i}.parquet`), `${tag}-${i}`);
  return dir;
}

before(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'medallion-s3-faults-'));
  minio = await startMinio();
  await minio.createBucket('lake');
});

after(async () => {
  await minio?.dispose();
  rmSync(work, { recursive: true, force: true });
});

describe('S3 lake faults', () => {
  it('names the endpoint when nothing answers there, within seconds', async () => {
    const endpoint = 'http://127.0.0.1:9'; // the discard port: nothing listens on loopback
    const started = Date.now();
    const message = await lakeError(() => lakeFor({ endpoint }).check());
    assert.match(message, /Cannot reach the S3 endpoint http:\/\/127\.0\.0\.1:9 /);
    // A hang guard, not a speed test: the retry budget is a few attempts with short backoff.
    assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
  });

  it('gives up on an endpoint that accepts connections but never answers', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      const message = await lakeError(() => lakeFor({ endpoint, socketTimeoutMs: 300 }).list('bronze/'));
      assert.equal(message, `The S3 endpoint ${endpoint} did not answer while listing bronze/ (3 attempts, 0.3 s each).`);
    } finally {
      silent.close();
    }
  });

  it('names the endpoint and the variables, not the values, for wrong credentials', async () => {
    const env = { ...minio.env, [SECRET_KEY_ENV]: 'wrong-secret-value' };
    const message = await lakeError(() => lakeFor({ env }).check());
    assert.match(message, new RegExp(`endpoint ${minio.endpoint} rejected the credentials`));
    assert.match(message, new RegExp(`${ACCESS_KEY_ENV} and ${SECRET_KEY_ENV}`));
    // The same for a publish (a different request path through lib-storage).
    const publish = await lakeError(() => lakeFor({ env }).publishDirectory(folder(1, 'x'), 'silver/m'));
    assert.match(publish, /rejected the credentials/);
  });

  it('names the missing credential variable', async () => {
    const message = await lakeError(() => lakeFor({ env: { [ACCESS_KEY_ENV]: minio.accessKey } }).check());
    assert.match(message, new RegExp(`the environment variable ${SECRET_KEY_ENV} is not set`));
  });

  it('names a bucket that does not exist', async () => {
    const message = await lakeError(() => lakeFor({ bucket: 'no-such-bucket' }).check());
    assert.match(message, /The bucket 'no-such-bucket' does not exist at http:\/\/127\.0\.0\.1:\d+/);
    const list = await lakeError(() => lakeFor({ bucket: 'no-such-bucket' }).list('bronze/'));
    assert.match(list, /The bucket 'no-such-bucket' does not exist/);
  });

  it('keeps the previous version when MinIO stops mid-publish, and completes after a restart', async () => {
    // MinIO is killed just as the 4th file of the new version is about to be uploaded.
    const wire = await tripwire(minio.endpoint, /^PUT \S*\/_versions\//, 4, () => minio.kill());
    try {
      const lake = lakeFor({ endpoint: wire.endpoint });
      await lake.publishDirectory(folder(3, 'old'), 'silver/events');
      assert.equal(wire.tripped, false);

      const message = await lakeError(() => lake.publishDirectory(folder(12, 'new'), 'silver/events'));
      assert.equal(wire.tripped, true);
      assert.match(message, new RegExp(`Cannot reach the S3 endpoint ${wire.endpoint} while (uploading|publishing)`));

      await minio.restart();
      const old = await lake.list('silver/events/');
      assert.deepEqual(old.map((o) => o.key), ['silver/events/part-0.parquet', 'silver/events/part-1.parquet', 'silver/events/part-2.parquet']);
      assert.deepEqual(await Promise.all(old.map(async (o) => readFileSync(await lake.localPath(o), 'utf8'))), ['old-0', 'old-1', 'old-2']);

      await lake.publishDirectory(folder(12, 'new'), 'silver/events');
      const current = await lake.list('silver/events/');
      assert.equal(current.length, 12);
      // Only the pointer and the new version's 12 files remain stored: the partial upload is gone.
      assert.equal((await minio.keys('lake', 'faults/silver/events/')).length, 13);
    } finally {
      await wire.close();
    }
  });
});
