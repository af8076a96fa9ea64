// S3 credentials from a profile of the user's AWS shared credentials file (lake.s3.profile) against a
// real MinIO: it works, and every failure names the profile and the file, never a key.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LakeError, type Lake } from '../../../runtime/lake/lake.js';
import { openLake } from '../../../runtime/lake/open.js';
import { NodeFileSystem } from '../../../runtime/project/fs.js';
import { loadProject } from '../../../runtime/project/load.js';
import { startMinio, type Minio } from '../../support/minio.js';

let minio: Minio;
let work: string;

/** A project whose lake reads the profile `profile`, and a lake opened on it with `credentials` as the file. */
async function lakeWith(profile: string, credentials: string): Promise<Lake> {
  const dir = mkdtempSync(path.join(work, 'project-'));
  writeFileSync(path.join(dir, 'pipeline.yml'), `name: shop\nlake: { s3: { endpoint: '${minio.endpoint}', bucket: lake, prefix: profiled, profile: ${profile} } }\n`);
  const project = await loadProject(new NodeFileSystem(), dir);
  assert.deepEqual(project.diagnostics, []);
  // Only the file: no credential variables, and no config file of this machine's user.
  const env = { HOME: work, AWS_SHARED_CREDENTIALS_FILE: credentials.replace('<project>', project.root), AWS_CONFIG_FILE: path.join(work, 'no-config') };
  return openLake(project, { env });
}

/** Writes a credentials file with one profile and returns its path. */
function credentialsFile(file: string, profile: string, secret = minio.secretKey): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `[other]\naws_access_key_id = nobody\naws_secret_access_key = nothing\n\n[${profile}]\naws_access_key_id = ${minio.accessKey}\naws_secret_access_key = ${secret}\n`);
  return file;
}

/** The LakeError `run` fails with; asserts it carries no key from the file. */
async function failure(run: () => Promise<unknown>): Promise<string> {
  const err = await run().then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof LakeError, `expected a LakeError, got ${String(err)}`);
  const text = `${err.message}\n${err.hint ?? ''}`;
  for (const secret of [minio.accessKey, minio.secretKey, 'wrong-secret-value']) assert.ok(!text.includes(secret), `a key leaked: ${text}`);
  return err.message;
}

before(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'medallion-profile-'));
  minio = await startMinio();
  await minio.createBucket('lake');
});

after(async () => {
  await minio?.dispose();
  rmSync(work, { recursive: true, force: true });
});

describe('credentials from a profile', () => {
  it('reads and writes the lake with the keys of the named profile', async () => {
    const lake = await lakeWith('medallion-dev', credentialsFile(path.join(work, 'home', '.aws', 'credentials'), 'medallion-dev'));
    await lake.check();
    await lake.put('bronze/a/x.json', '{"a":1}\n');
    assert.equal((await lake.get('bronze/a/x.json'))?.toString(), '{"a":1}\n');
  });

  it('names the profile and the file when the profile is not there', async () => {
    const file = credentialsFile(path.join(work, 'missing', 'credentials'), 'medallion-dev');
    const message = await failure(async () => (await lakeWith('medallion-prod', file)).check());
    assert.ok(message.includes(`the profile 'medallion-prod' of ${file}`), message);
    const absent = path.join(work, 'absent', 'credentials');
    assert.ok((await failure(async () => (await lakeWith('medallion-dev', absent)).check())).includes(`the profile file ${absent} (lake.s3.profile 'medallion-dev') does not exist`));
  });

  it('names the profile and the file when the store rejects its keys', async () => {
    const file = credentialsFile(path.join(work, 'wrong', 'credentials'), 'medallion-dev', 'wrong-secret-value');
    const message = await failure(async () => (await lakeWith('medallion-dev', file)).check());
    assert.match(message, /rejected the credentials from the profile 'medallion-dev' of .*wrong[/\\]credentials/);
  });

  it('refuses a profile file inside the project', async () => {
    const lake = await lakeWith('medallion-dev', '<project>/.aws/credentials');
    const message = await failure(() => lake.check());
    assert.match(message, /The profile file .*[/\\]\.aws[/\\]credentials \(lake\.s3\.profile 'medallion-dev'\) is inside the project folder/);
  });
});
