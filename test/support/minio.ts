// A real MinIO for tests: the pinned binary (installed on demand by scripts/install-minio.sh), on a
// free loopback port with a temporary data folder; ready when its health endpoint answers.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CreateBucketCommand, paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';

const ROOT = path.resolve(__dirname, '..', '..');
export const MINIO_BIN = path.join(ROOT, '.tools', 'bin', 'minio');

export interface Minio {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  /** The data folder (objects appear under <dataDir>/<bucket>/<key>/). */
  dataDir: string;
  /** Environment variables for a project whose lake names MINIO_TEST_ACCESS_KEY / MINIO_TEST_SECRET_KEY. */
  env: Record<string, string>;
  createBucket(name: string): Promise<void>;
  /** Every stored key under a prefix, straight from the store (no pointer resolution), sorted. */
  keys(bucket: string, prefix: string): Promise<string[]>;
  /** Graceful stop (SIGTERM); resolves once the process has exited. */
  stop(): Promise<void>;
  /** Abrupt stop (SIGKILL), for fault tests. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data folder. */
  restart(): Promise<void>;
  /** Stops it and removes the data folder. */
  dispose(): Promise<void>;
}

// The SDK's notice about Node 20 support would clutter every test's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export const ACCESS_KEY_ENV = 'MINIO_TEST_ACCESS_KEY';
export const SECRET_KEY_ENV = 'MINIO_TEST_SECRET_KEY';

export async function startMinio(): Promise<Minio> {
  if (!existsSync(MINIO_BIN)) {
    const install = spawnSync('bash', [path.join(ROOT, 'scripts', 'install-minio.sh')], { stdio: 'inherit' });
    if (install.status !== 0) throw new Error(`scripts/install-minio.sh failed (exit ${install.status})`);
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'medallion-minio-'));
  const accessKey = `test${randomBytes(4).toString('hex')}`;
  const secretKey = randomBytes(18).toString('base64url');
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  const launch = async (): Promise<void> => {
    const proc = spawn(MINIO_BIN, ['server', dataDir, '--address', `127.0.0.1:${port}`, '--quiet'], {
      env: { ...process.env, MINIO_ROOT_USER: accessKey, MINIO_ROOT_PASSWORD: secretKey, MINIO_BROWSER: 'off', MINIO_UPDATE: 'off' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    proc.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child = proc;
    await waitUntil(async () => {
      if (proc.exitCode !== null) throw new Error(`MinIO exited with ${proc.exitCode}: ${stderr}`);
      return live(endpoint);
    }, 30_000, 'MinIO to answer /minio/health/live');
  };
  const halt = async (signal: NodeJS.Signals): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(signal);
    await exited;
  };
  process.once('exit', () => child?.kill('SIGKILL'));

  await launch();
  let s3: S3Client | undefined;
  const client = (): S3Client =>
    (s3 ??= new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: accessKey, secretAccessKey: secretKey } }));
  const minio: Minio = {
    endpoint,
    accessKey,
    secretKey,
    dataDir,
    env: { [ACCESS_KEY_ENV]: accessKey, [SECRET_KEY_ENV]: secretKey },
    async createBucket(name) {
      await client().send(new CreateBucketCommand({ Bucket: name }));
    },
    async keys(bucket, prefix) {
      const keys: string[] = [];
      for await (const page of paginateListObjectsV2({ client: client() }, { Bucket: bucket, Prefix: prefix })) {
        for (const item of page.Contents ?? []) keys.push(item.Key!);
      }
      return keys.sort();
    },
    stop: () => halt('SIGTERM'),
    kill: () => halt('SIGKILL'),
    async restart() {
      await halt('SIGTERM');
      await launch();
    },
    async dispose() {
      s3?.destroy();
      await halt('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return minio;
}

/** A port the OS just handed out on loopback (closed again, so MinIO can bind it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function live(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/minio/health/live`, { signal: AbortSignal.timeout(1000) });
    return response.ok;
  } catch {
    return false;
  }
}

/** Polls `condition` every 20 ms until it is true; fails after `timeoutMs` naming what it waited for. */
export async function waitUntil(condition: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface Tripwire {
  endpoint: string;
  /** Set once the wire has tripped. */
  tripped: boolean;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of MinIO that lets a test stop MinIO at an exact point of a request stream,
 * independent of machine speed: the `count`-th request whose request line matches `pattern` is held
 * back (never reaches MinIO), `onTrip` runs (e.g. minio.kill()), and that connection is dropped.
 * Afterwards it forwards everything again, so a restarted MinIO is reachable through it.
 */
export async function tripwire(upstream: string, pattern: RegExp, count: number, onTrip: () => Promise<void>): Promise<Tripwire> {
  const target = new URL(upstream);
  const sockets = new Set<Socket>();
  let seen = 0;
  const wire: Tripwire = { endpoint: '', tripped: false, close: async () => undefined };
  const server = createServer((client) => {
    const server = connect(Number(target.port), target.hostname);
    sockets.add(client).add(server);
    const drop = (): void => {
      client.destroy();
      server.destroy();
    };
    client.on('close', () => sockets.delete(client));
    server.on('close', () => sockets.delete(server));
    client.on('error', drop);
    server.on('error', drop);
    server.on('data', (chunk) => client.write(chunk));
    server.on('end', () => client.end());
    client.on('data', (chunk: Buffer) => {
      if (!wire.tripped) {
        for (const match of chunk.toString('latin1').matchAll(/(?:^|\r\n)([A-Z]+ \S+) HTTP\/1\.1\r\n/g)) {
          if (pattern.test(match[1]) && ++seen === count) {
            wire.tripped = true;
            client.pause();
            void onTrip().finally(drop);
            return;
          }
        }
      }
      server.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  wire.endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  wire.close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return wire;
}
