// A real MinIO and a real local Trino cluster (coordinator + worker, `medallion engine up`) for a test
// file: one per file, as each start costs ~25 s. Projects written into `work` point their lake at the MinIO.
// Test files run two at a time; a cross-process lock lets one cluster run at once, as two clusters' four
// JVMs on 2 cores starve each other's heartbeats (a worker then drops out mid-query).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { lock } from 'proper-lockfile';
import { engineCommand } from '../../runtime/cli/commands/engine.js';
import type { Io } from '../../runtime/cli/context.js';
import { openTrino, type TrinoAdapter } from '../../runtime/engine/trino.js';
import { findJava, findTrino } from '../../runtime/engine/trinoCluster.js';
import { freePort, startMinio, type Minio } from './minio.js';

const ROOT = path.resolve(__dirname, '..', '..');

/** Why a Trino suite cannot run here (no Java 24+), or false. In CI a missing Java fails the suite instead. */
export function trinoSkip(): string | false {
  return !findJava() && !process.env.CI ? 'Trino needs Java 24 or newer (set MEDALLION_JAVA_HOME or JAVA_HOME); none found, so the Trino suite is skipped' : false;
}

export interface TrinoHarness {
  minio: Minio;
  /** A temporary folder for the test's projects. */
  work: string;
  /** The coordinator's port (the worker listens on the next one). */
  port: number;
  /** What commands run with `io()` printed. */
  lines: string[];
  io(cwd: string): Io;
  /** `medallion engine up` for a project's Trino target (its lake on this MinIO); the cluster serves every project. */
  up(project: string, target?: string): Promise<void>;
  /** A client on the cluster's `lake` catalog, schema main. Close it after use. */
  client(): Promise<TrinoAdapter>;
  /** Runs one query on a fresh client. */
  query(sql: string): Promise<Record<string, unknown>[]>;
  dispose(): Promise<void>;
}

/** MinIO with a `lake` bucket, its credentials in process.env, and a free port pair for Trino (not started yet). */
export async function startTrinoHarness(): Promise<TrinoHarness> {
  if (!findTrino()) {
    const install = spawnSync('bash', [path.join(ROOT, 'scripts', 'install-trino.sh')], { stdio: 'inherit' });
    assert.equal(install.status, 0, 'scripts/install-trino.sh failed');
  }
  // Waits while another test file's cluster runs (each holds it for one to two minutes).
  const release = await lock(path.join(tmpdir(), 'medallion-trino-cluster'), { realpath: false, stale: 60_000, update: 10_000, retries: { retries: 600, minTimeout: 1000, maxTimeout: 1000 } });
  const minio = await startMinio();
  Object.assign(process.env, minio.env);
  await minio.createBucket('lake');
  const work = mkdtempSync(path.join(tmpdir(), 'medallion-trino-'));
  // The worker listens on the coordinator's port + 1: find a pair that is free.
  let port: number;
  do port = await freePort();
  while ((await freePort()) === port + 1);
  const lines: string[] = [];
  const io = (cwd: string): Io => ({ out: (l) => lines.push(l), err: (l) => lines.push(l), cwd });
  let started: { project: string; target: string } | undefined;
  const client = (): Promise<TrinoAdapter> => openTrino({ host: '127.0.0.1', port, user: 'medallion', catalog: 'lake', schema: 'main', httpScheme: 'http', sessionProperties: {} });
  return {
    minio,
    work,
    port,
    lines,
    io,
    async up(project, target = 'cluster') {
      const code = await engineCommand('up', { project, target }, io(project));
      assert.equal(code, 0, lines.join('\n'));
      started = { project, target };
    },
    client,
    async query(sql) {
      const trino = await client();
      try {
        return (await trino.query(sql)).rows;
      } finally {
        trino.close();
      }
    },
    async dispose() {
      if (started) await engineCommand('down', started, io(started.project)).catch(() => undefined);
      await minio.dispose();
      rmSync(work, { recursive: true, force: true });
      await release();
    },
  };
}
