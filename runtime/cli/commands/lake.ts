// `medallion lake up | down | status`: a local MinIO for development, serving the project's S3 lake
// from <project>/.medallion/minio (data, pid file, log); `up` also creates the bucket.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, promises as fsp, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Command } from 'commander';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { ensureIgnoredDir } from '../../lake/cache.js';
import { credentialSource, type AwsCredentialIdentity } from '../../lake/credentials.js';
import { LakeError } from '../../lake/lake.js';
import { openLake } from '../../lake/open.js';
import { openProject, serviceCommands, stdio, UserError, type Io, type ProjectOptions, type ServiceSubcommand } from '../context.js';
import type { LakeConfig, Project } from '../../project/types.js';

/** The MinIO release the project is tested with (scripts/install-minio.sh builds the same). */
export const MINIO_VERSION = 'v0.0.0-20260212201848-7aac2a2c5b7c';
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

type S3Config = Extract<LakeConfig, { kind: 's3' }>;

interface Context {
  io: Io;
  project: Project;
  s3: S3Config;
  url: URL;
  dir: string;
  pidFile: string;
}

export function register(program: Command): void {
  serviceCommands(program, 'lake', "manage a local MinIO serving the project's S3 lake (for development)", {
    up: 'start MinIO for the lake endpoint in pipeline.yml and create the bucket',
    down: 'stop the MinIO started by `lake up`',
    status: 'show whether MinIO runs and the lake is reachable (exit code 1 when not)',
  }, lakeCommand);
}

/** Runs one subcommand; returns the exit code (a UserError for problems the user can fix). */
export async function lakeCommand(name: ServiceSubcommand, options: ProjectOptions, io: Io = stdio): Promise<number> {
  const context = await contextFor(options, io);
  return { up, down, status }[name](context);
}

async function contextFor(options: ProjectOptions, io: Io): Promise<Context> {
  const { project } = await openProject(options, io, { allowErrors: true });
  const lake = project.config.lake;
  if (lake.kind !== 's3') {
    throw new UserError(
      `the lake of this project is the local folder ${lake.path}; to use MinIO set lake: { s3: { endpoint: http://127.0.0.1:9000, bucket: lake, access_key_env: MINIO_ROOT_USER, secret_key_env: MINIO_ROOT_PASSWORD } } in ${project.config.file}`,
    );
  }
  const url = new URL(lake.endpoint ?? 'http://127.0.0.1:9000');
  const dir = path.join(project.root, '.medallion', 'minio');
  return { io, project, s3: lake, url, dir, pidFile: path.join(dir, 'minio.pid') };
}

async function up(context: Context): Promise<number> {
  const { url, dir } = context;
  if (!LOCAL_HOSTS.has(url.hostname)) throw new UserError(`lake up starts MinIO on this machine, but the endpoint ${url.origin} is not a loopback address`);
  const running = await runningPid(context);
  if (running !== undefined && (await live(url))) {
    context.io.out(`MinIO already runs at ${url.origin} (pid ${running})`);
    await createBucket(context);
    return 0;
  }
  const { accessKeyId: user, secretAccessKey: password } = await rootUser(context);
  const binary = findMinio();
  if (!binary) {
    throw new UserError(
      [
        'MinIO is not installed. Install it with one of:',
        `  go install github.com/minio/minio@${MINIO_VERSION}      (Go 1.24+, builds into $(go env GOPATH)/bin)`,
        '  scripts/install-minio.sh                                (in a Medallion checkout: builds into .tools/bin)',
        `  docker run -p ${url.port || 9000}:9000 -e MINIO_ROOT_USER -e MINIO_ROOT_PASSWORD quay.io/minio/minio server /data`,
        'or point MEDALLION_MINIO_BIN at a minio binary.',
      ].join('\n'),
    );
  }
  await ensureIgnoredDir(dir);
  const log = path.join(dir, 'minio.log');
  const logFd = openSync(log, 'a');
  const child = spawn(binary, ['server', path.join(dir, 'data'), '--address', `${url.hostname}:${url.port || 9000}`, '--quiet'], {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env: { ...process.env, MINIO_ROOT_USER: user, MINIO_ROOT_PASSWORD: password, MINIO_BROWSER: 'off', MINIO_UPDATE: 'off' },
  });
  closeSync(logFd);
  child.unref();
  await fsp.writeFile(context.pidFile, `${child.pid}\n`);
  const deadline = Date.now() + 30_000;
  while (!(await live(url))) {
    if (child.exitCode !== null || !alive(child.pid!) || Date.now() > deadline) {
      const tail = readFileSync(log, 'utf8').trim().split('\n').slice(-5).join('\n  ');
      await fsp.rm(context.pidFile, { force: true });
      if (alive(child.pid!)) process.kill(child.pid!, 'SIGTERM');
      throw new UserError(`MinIO did not start at ${url.origin}; the end of ${path.relative(context.io.cwd, log)}:\n  ${tail}`);
    }
    await pause(50);
  }
  context.io.out(`MinIO runs at ${url.origin} (pid ${child.pid}, data in ${path.relative(context.io.cwd, dir) || dir})`);
  await createBucket(context);
  return 0;
}

async function down(context: Context): Promise<number> {
  const pid = await runningPid(context);
  if (pid === undefined) {
    context.io.out('MinIO is not running (no live process in .medallion/minio/minio.pid)');
    await fsp.rm(context.pidFile, { force: true });
    return 0;
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 15_000;
  while (alive(pid)) {
    if (Date.now() > deadline) process.kill(pid, 'SIGKILL');
    await pause(50);
  }
  await fsp.rm(context.pidFile, { force: true });
  context.io.out(`MinIO stopped (pid ${pid})`);
  return 0;
}

async function status(context: Context): Promise<number> {
  const pid = await runningPid(context);
  context.io.out(pid === undefined ? 'MinIO (lake up): not running' : `MinIO (lake up): running, pid ${pid}`);
  const lake = openLake(context.project);
  try {
    await lake.check();
  } catch (err) {
    if (!(err instanceof LakeError)) throw err;
    context.io.out(`lake ${lake.describe}: ${err.message}`);
    return 1;
  }
  context.io.out(`lake ${lake.describe}: reachable`);
  return 0;
}

/** MinIO's root user: the lake's own credentials, from the environment variables or the profile. */
async function rootUser(context: Context): Promise<AwsCredentialIdentity> {
  const { s3, project, url } = context;
  const where = s3.profile !== undefined ? `the profile '${s3.profile}' (lake.s3.profile)` : `${s3.accessKeyEnv} and ${s3.secretKeyEnv}`;
  let identity: AwsCredentialIdentity | undefined;
  try {
    identity = await credentialSource(s3, { env: process.env, projectRoot: project.root, lake: url.origin }).provider();
  } catch (err) {
    if (!(err instanceof LakeError)) throw err;
    // A profile's own problem (no such profile, a file inside the project) says more than the line below.
    if (s3.profile !== undefined) throw new UserError(`${err.message}${err.hint ? `\n  ${err.hint}` : ''}`);
  }
  if (!identity?.accessKeyId || !identity.secretAccessKey || identity.secretAccessKey.length < 8) {
    throw new UserError(`set ${where} (a secret of 8 or more characters): MinIO's root user is created from them`);
  }
  return identity;
}

async function createBucket(context: Context): Promise<void> {
  const { s3, url } = context;
  const client = new S3Client({
    endpoint: url.origin,
    region: s3.region,
    forcePathStyle: true,
    credentials: await rootUser(context),
    maxAttempts: 2,
  });
  try {
    await client.send(new CreateBucketCommand({ Bucket: s3.bucket }));
    context.io.out(`bucket '${s3.bucket}' created`);
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') {
      throw new UserError(`could not create the bucket '${s3.bucket}' at ${url.origin}: ${name}`);
    }
    context.io.out(`bucket '${s3.bucket}' ready`);
  } finally {
    client.destroy();
  }
}

/** The pid in the pid file when that process is alive and is a MinIO (a stale pid may be reused). */
async function runningPid(context: Context): Promise<number | undefined> {
  const pid = Number((await fsp.readFile(context.pidFile, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return undefined;
  const cmdline = `/proc/${pid}/cmdline`;
  if (existsSync(cmdline) && !readFileSync(cmdline, 'utf8').includes('minio')) return undefined;
  return pid;
}

/** MEDALLION_MINIO_BIN when set (it alone), else `minio` on PATH, Go's install folder, or a checkout's .tools/bin. */
function findMinio(): string | undefined {
  const explicit = process.env.MEDALLION_MINIO_BIN;
  if (explicit) return existsSync(explicit) ? explicit : undefined;
  const candidates = [
    ...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, 'minio')),
    process.env.GOBIN && path.join(process.env.GOBIN, 'minio'),
    path.join(process.env.GOPATH ?? path.join(os.homedir(), 'go'), 'bin', 'minio'),
    ...[1, 2, 3].map((up) => path.join(__dirname, ...Array<string>(up).fill('..'), '.tools', 'bin', 'minio')),
  ];
  return candidates.find((file): file is string => typeof file === 'string' && existsSync(file));
}

async function live(url: URL): Promise<boolean> {
  try {
    return (await fetch(new URL('/minio/health/live', url), { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
