#!/usr/bin/env node
// A development MinIO for this checkout, without a project (benchmarks, trying the S3 lake by hand):
//   node scripts/minio.mjs start [--port 9000] [--bucket lake]   |   stop   |   status
// Data in .tools/minio-data, pid in .tools/minio.pid; credentials from MINIO_ROOT_USER/MINIO_ROOT_PASSWORD
// (default minioadmin/minioadmin: loopback only). Projects use `medallion lake up` instead.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, '.tools', 'bin', 'minio');
const dataDir = join(root, '.tools', 'minio-data');
const pidFile = join(root, '.tools', 'minio.pid');
const { positionals, values } = parseArgs({ allowPositionals: true, options: { port: { type: 'string', default: '9000' }, bucket: { type: 'string', default: 'lake' } } });
const endpoint = `http://127.0.0.1:${values.port}`;
const user = process.env.MINIO_ROOT_USER ?? 'minioadmin';
const password = process.env.MINIO_ROOT_PASSWORD ?? 'minioadmin';

const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
const runningPid = () => { const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : 0; return pid > 0 && alive(pid) ? pid : undefined; };
const live = () => fetch(`${endpoint}/minio/health/live`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function start() {
  if (runningPid()) return console.log(`MinIO already runs (pid ${runningPid()})`);
  if (!existsSync(bin) && spawnSync('bash', [join(root, 'scripts', 'install-minio.sh')], { stdio: 'inherit' }).status !== 0) process.exit(1);
  mkdirSync(dataDir, { recursive: true });
  const log = openSync(join(root, '.tools', 'minio.log'), 'a');
  const child = spawn(bin, ['server', dataDir, '--address', `127.0.0.1:${values.port}`, '--quiet'], {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, MINIO_ROOT_USER: user, MINIO_ROOT_PASSWORD: password, MINIO_BROWSER: 'off', MINIO_UPDATE: 'off' },
  });
  child.unref();
  writeFileSync(pidFile, String(child.pid));
  const deadline = Date.now() + 30_000;
  while (!(await live())) {
    if (!alive(child.pid) || Date.now() > deadline) { console.error('MinIO did not start; see .tools/minio.log'); process.exit(1); }
    await pause(50);
  }
  const s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: user, secretAccessKey: password } });
  await s3.send(new CreateBucketCommand({ Bucket: values.bucket })).catch((err) => { if (err.name !== 'BucketAlreadyOwnedByYou') throw err; });
  console.log(`MinIO runs at ${endpoint} (pid ${child.pid}), bucket '${values.bucket}'`);
}

async function stop() {
  const pid = runningPid();
  if (!pid) return console.log('MinIO is not running');
  process.kill(pid, 'SIGTERM');
  while (alive(pid)) await pause(50);
  rmSync(pidFile, { force: true });
  console.log(`MinIO stopped (pid ${pid})`);
}

const commands = { start, stop, status: async () => console.log(runningPid() ? `running (pid ${runningPid()}), ${(await live()) ? 'healthy' : 'not answering'} at ${endpoint}` : 'not running') };
const command = commands[positionals[0]];
if (!command) { console.error('usage: node scripts/minio.mjs start [--port 9000] [--bucket lake] | stop | status'); process.exit(1); }
await command();
