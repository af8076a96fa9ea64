// `medallion engine up | down | status --target NAME`: a local Trino coordinator and worker for a Trino
// target, with a Hive catalog over the project's S3 lake (trinoCluster.ts); Java 24+ is found, not assumed.
import { execFile } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { Command } from 'commander';
import { connectionOf, openTrino, serverUrl } from '../../engine/trino.js';
import { clusterPlan, clusterState, findJava, findTrino, launcherArgs, TRINO_VERSION, writeClusterConfig, type ClusterPlan } from '../../engine/trinoCluster.js';
import { ensureIgnoredDir } from '../../lake/cache.js';
import { credentialSource } from '../../lake/credentials.js';
import type { Project, TrinoTarget } from '../../project/types.js';
import { openProject, serviceCommands, stdio, UserError, type Io, type ProjectOptions, type ServiceSubcommand } from '../context.js';

const run = promisify(execFile);
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);
/** A cold start of two JVMs on 2 busy cores takes tens of seconds; past this something is wrong. */
const START_TIMEOUT_MS = 240_000;

interface Context {
  io: Io;
  project: Project;
  target: TrinoTarget;
  plan: ClusterPlan;
  url: string;
}

export function register(program: Command): void {
  serviceCommands(program, 'engine', 'manage a local Trino cluster (coordinator + worker) for a Trino target of the project', {
    up: "start a Trino coordinator and one worker on the target's port, with a Hive catalog over the project's S3 lake",
    down: 'stop the cluster started by `engine up`',
    status: 'show whether the cluster answers and how many workers it has (exit code 1 when not up)',
  }, engineCommand);
}

export async function engineCommand(name: ServiceSubcommand, options: ProjectOptions, io: Io = stdio): Promise<number> {
  const { project } = await openProject(options, io, { allowErrors: name !== 'up' });
  const target = project.config.trino;
  if (!target) throw new UserError(`the target '${project.config.target.name}' runs on ${project.config.target.type}; name a Trino target with --target (targets: in ${project.config.file}, docs/scale-out.md)`);
  const context = { io, project, target, plan: clusterPlan(project.root, project.config.target.name, target), url: serverUrl(target) };
  return { up, down, status }[name](context);
}

async function up(context: Context): Promise<number> {
  const { io, project, target, plan, url } = context;
  if (!LOCAL_HOSTS.has(target.host)) throw new UserError(`engine up starts Trino on this machine, but the target's host ${target.host} is not a loopback address`);
  const lake = project.config.lake;
  if (lake.kind !== 's3') throw new UserError('a Trino target needs an S3 lake');
  const state = await clusterState(url);
  if (state.up) {
    io.out(`Trino already runs at ${url} (${state.workers} worker${state.workers === 1 ? '' : 's'})`);
    return 0;
  }
  const home = findTrino();
  if (!home) throw new UserError(`Trino ${TRINO_VERSION} is not installed: run scripts/install-trino.sh in a Medallion checkout, or point MEDALLION_TRINO_HOME at an unpacked trino-server`);
  const java = findJava();
  if (!java) throw new UserError('Trino needs Java 24 or newer: install one (e.g. a Temurin 25 JDK) and point MEDALLION_JAVA_HOME or JAVA_HOME at it');
  const keys = await credentialSource(lake, { env: process.env, projectRoot: project.root, lake: lake.bucket }).provider();
  await ensureIgnoredDir(path.join(project.root, '.medallion'));
  await writeClusterConfig(plan, target, lake, home);
  const env = { ...process.env, JAVA_HOME: java, PATH: `${path.join(java, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`, MEDALLION_S3_ACCESS_KEY: keys.accessKeyId, MEDALLION_S3_SECRET_KEY: keys.secretAccessKey };
  const started = Date.now();
  for (const node of plan.nodes) await run(path.join(home, 'bin', 'launcher'), launcherArgs('start', node), { env });
  let seen = await clusterState(url);
  while (!(seen.up && seen.workers >= 1)) {
    const stopped = await stoppedNode(home, plan);
    if (Date.now() - started > START_TIMEOUT_MS || stopped) {
      const log = path.join((stopped ?? plan.nodes[0]).data, 'var', 'log', 'server.log');
      const text = (await fsp.readFile(log, 'utf8').catch(() => '')).trim().split('\n');
      // A node that exited says why in its first error (Trino's configuration errors); otherwise the log's end.
      const error = text.findIndex((line) => /\tERROR\t/.test(line));
      const tail = (error >= 0 ? text.slice(error, error + 4) : text.slice(-8)).join('\n  ');
      await stopAll(home, plan);
      throw new UserError(`Trino did not come up at ${url} with a worker within ${START_TIMEOUT_MS / 1000} s; the end of ${log}:\n  ${tail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
    seen = await clusterState(url);
  }
  await untilQueriesRun(target);
  io.out(`Trino ${TRINO_VERSION} runs at ${url}: coordinator and ${seen.workers} worker (Java ${path.basename(java)}, ${((Date.now() - started) / 1000).toFixed(1)} s), catalog ${target.catalog} over ${lake.endpoint ?? 'S3'}`);
  return 0;
}

/** Fails clearly when the cluster that came up does not run queries (openTrino runs one). */
async function untilQueriesRun(target: TrinoTarget): Promise<void> {
  const trino = await openTrino(connectionOf(target)).catch((e: unknown) => {
    throw new UserError(`Trino came up at ${serverUrl(target)} but does not run queries: ${e instanceof Error ? e.message : String(e)}`);
  });
  trino.close();
}

async function down(context: Context): Promise<number> {
  const home = findTrino();
  if (!home) throw new UserError(`Trino ${TRINO_VERSION} is not installed, so no cluster of it can run`);
  await stopAll(home, context.plan);
  context.io.out(`Trino stopped (${context.url})`);
  return 0;
}

async function status(context: Context): Promise<number> {
  const state = await clusterState(context.url);
  context.io.out(state.up ? `Trino runs at ${context.url} with ${state.workers} worker${state.workers === 1 ? '' : 's'}` : `Trino does not answer at ${context.url}`);
  return state.up && state.workers > 0 ? 0 : 1;
}

/** The first node whose launcher no longer reports it running (a JVM that exits at start fails `up` at once). */
async function stoppedNode(home: string, plan: ClusterPlan): Promise<ClusterPlan['nodes'][number] | undefined> {
  for (const node of plan.nodes) {
    const ok = await run(path.join(home, 'bin', 'launcher'), launcherArgs('status', node)).then(() => true, () => false);
    if (!ok) return node;
  }
  return undefined;
}

/** The launcher's own stop: SIGTERM, then SIGKILL if the JVM lingers; a node not running is fine. */
async function stopAll(home: string, plan: ClusterPlan): Promise<void> {
  for (const node of [...plan.nodes].reverse()) await run(path.join(home, 'bin', 'launcher'), launcherArgs('stop', node)).catch(() => undefined);
}
