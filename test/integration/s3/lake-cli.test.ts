// `medallion lake up | status | down` against the real MinIO binary, on a free loopback port.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { MINIO_BIN } from '../../support/minio.js';

const ROOT = path.resolve(__dirname, '..', '..', '..');
let project: string;
let port: number;

function cli(args: string[], env: Record<string, string | undefined>): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', path.join(ROOT, 'runtime/cli/main.ts'), 'lake', ...args, '--project', project], { cwd: ROOT, env: { ...process.env, ...env } }, (error, out, err) =>
      resolve({ code: error ? Number(error.code) : 0, out, err }),
    );
  });
}

const credentials = { DEV_LAKE_USER: 'devuser', DEV_LAKE_PASSWORD: 'dev-password-123', MEDALLION_MINIO_BIN: MINIO_BIN };

before(async () => {
  project = mkdtempSync(path.join(tmpdir(), 'medallion-lake-cli-'));
  port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address() as { port: number };
      server.close(() => resolve(address.port));
    });
  });
  writeFileSync(
    path.join(project, 'pipeline.yml'),
    `name: dev\nlake: { s3: { endpoint: 'http://127.0.0.1:${port}', bucket: devlake, access_key_env: DEV_LAKE_USER, secret_key_env: DEV_LAKE_PASSWORD } }\n`,
  );
});

after(async () => {
  await cli(['down'], credentials);
  rmSync(project, { recursive: true, force: true });
});

describe('medallion lake', () => {
  it('starts MinIO with the bucket, reports it, and stops it', async () => {
    const up = await cli(['up'], credentials);
    assert.equal(up.code, 0, up.err);
    assert.match(up.out, new RegExp(`MinIO runs at http://127\\.0\\.0\\.1:${port} \\(pid \\d+`));
    assert.match(up.out, /bucket 'devlake' created/);
    const pid = Number(readFileSync(path.join(project, '.medallion/minio/minio.pid'), 'utf8'));
    assert.equal(readFileSync(path.join(project, '.medallion/minio/.gitignore'), 'utf8'), '*\n');

    const again = await cli(['up'], credentials);
    assert.match(again.out, /MinIO already runs .*\n.*bucket 'devlake' ready/);

    const status = await cli(['status'], credentials);
    assert.equal(status.code, 0, status.out + status.err);
    assert.match(status.out, new RegExp(`running, pid ${pid}\\nlake s3://devlake @ http://127\\.0\\.0\\.1:${port}: reachable`));
    assert.ok(!status.out.includes('dev-password-123'));

    const down = await cli(['down'], credentials);
    assert.equal(down.code, 0, down.err);
    assert.match(down.out, new RegExp(`MinIO stopped \\(pid ${pid}\\)`));
    assert.equal(existsSync(path.join(project, '.medallion/minio/minio.pid')), false);

    const stopped = await cli(['status'], credentials);
    assert.equal(stopped.code, 1);
    assert.match(stopped.out, /not running\n.*Cannot reach the S3 endpoint/);
  });

  it('says how to install MinIO when it is missing', async () => {
    const missing = await cli(['up'], { ...credentials, MEDALLION_MINIO_BIN: path.join(project, 'no-minio-here') });
    assert.equal(missing.code, 1);
    assert.match(missing.err, /MinIO is not installed[\s\S]*go install github\.com\/minio\/minio@v0\.0\.0-\d+-[0-9a-f]+[\s\S]*scripts\/install-minio\.sh[\s\S]*quay\.io\/minio\/minio/);
  });
});
