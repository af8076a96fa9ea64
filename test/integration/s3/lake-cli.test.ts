// `medallion lake up | status | down` against the real MinIO binary, on a free loopback port.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { lakeCommand } from '../../../runtime/cli/commands/lake.js';
import type { Io } from '../../../runtime/cli/context.js';
import { MINIO_BIN } from '../../support/minio.js';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const env = { DEV_LAKE_USER: 'devuser', DEV_LAKE_PASSWORD: 'dev-password-123', MEDALLION_MINIO_BIN: MINIO_BIN };
let project: string;
let port: number;

/** Runs `medallion lake <name>` in this process; its exit code and output. */
async function lake(name: 'up' | 'down' | 'status'): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const io: Io = { out: (l) => lines.push(l), err: (l) => lines.push(l), cwd: project };
  const code = await lakeCommand(name, { project }, io);
  return { code, out: lines.join('\n') };
}

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
  Object.assign(process.env, env);
});

after(async () => {
  await lake('down');
  rmSync(project, { recursive: true, force: true });
});

describe('medallion lake', () => {
  it('starts MinIO with the bucket, reports it, and stops it', async () => {
    const up = await lake('up');
    assert.equal(up.code, 0, up.out);
    assert.match(up.out, new RegExp(`MinIO runs at http://127\\.0\\.0\\.1:${port} \\(pid \\d+, data in \\.medallion/minio\\)\\nbucket 'devlake' created`));
    const pid = Number(readFileSync(path.join(project, '.medallion/minio/minio.pid'), 'utf8'));
    assert.equal(readFileSync(path.join(project, '.medallion/minio/.gitignore'), 'utf8'), '*\n');

    const again = await lake('up');
    assert.match(again.out, new RegExp(`MinIO already runs at .* \\(pid ${pid}\\)\\nbucket 'devlake' ready`));

    const status = await lake('status');
    assert.equal(status.code, 0, status.out);
    assert.match(status.out, new RegExp(`running, pid ${pid}\\nlake s3://devlake @ http://127\\.0\\.0\\.1:${port}: reachable`));
    assert.ok(!status.out.includes(env.DEV_LAKE_PASSWORD));

    const down = await lake('down');
    assert.equal(down.code, 0, down.out);
    assert.match(down.out, new RegExp(`MinIO stopped \\(pid ${pid}\\)`));
    assert.equal(existsSync(path.join(project, '.medallion/minio/minio.pid')), false);

    const stopped = await lake('status');
    assert.equal(stopped.code, 1);
    assert.match(stopped.out, /not running\n.*Cannot reach the S3 endpoint/);
  });

  it('says how to install MinIO when it is missing (through the real command line)', async () => {
    const missing = await new Promise<{ code: number; err: string }>((resolve) => {
      const args = ['--import', 'tsx', path.join(ROOT, 'runtime/cli/main.ts'), 'lake', 'up', '--project', project];
      execFile(process.execPath, args, { cwd: ROOT, env: { ...process.env, MEDALLION_MINIO_BIN: path.join(project, 'no-minio-here') } }, (error, _out, err) =>
        resolve({ code: error ? Number(error.code) : 0, err }),
      );
    });
    assert.equal(missing.code, 1);
    assert.match(missing.err, /MinIO is not installed[\s\S]*go install github\.com\/minio\/minio@v0\.0\.0-\d+-[0-9a-f]+[\s\S]*scripts\/install-minio\.sh[\s\S]*quay\.io\/minio\/minio/);
  });
});
