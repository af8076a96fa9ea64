// A local Trino cluster for a project's Trino target: a coordinator and one worker (two JVMs sized for a
// 2-core, 24 GiB machine) with a Hive catalog over the project's S3 lake, under .medallion/trino/<target>/.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { LakeConfig, TrinoTarget } from '../project/types.js';

/** The Trino release scripts/install-trino.sh installs (newest on Maven Central as a tar.gz; needs Java 24+). */
export const TRINO_VERSION = '476';
const MIN_JAVA = 24;

type S3Lake = Extract<LakeConfig, { kind: 's3' }>;

export interface ClusterPlan {
  /** .medallion/trino/<target> in the project. */
  dir: string;
  nodes: Array<{ role: 'coordinator' | 'worker'; port: number; etc: string; data: string }>;
}

/** Where each node's configuration and data live, and their ports (the worker on the coordinator's port + 1). */
export function clusterPlan(projectRoot: string, targetName: string, target: TrinoTarget): ClusterPlan {
  const dir = path.join(projectRoot, '.medallion', 'trino', targetName);
  const node = (role: 'coordinator' | 'worker', port: number) => ({ role, port, etc: path.join(dir, role, 'etc'), data: path.join(dir, role, 'data') });
  return { dir, nodes: [node('coordinator', target.port), node('worker', target.port + 1)] };
}

/** The Hive catalog over the lake: Parquet, a file metastore kept in the lake, credentials from the JVM's environment. */
export function hiveCatalog(lake: S3Lake): string {
  const root = `s3://${lake.bucket}/${lake.prefix ? `${lake.prefix.replace(/^\/+|\/+$/g, '')}/` : ''}`;
  return [
    'connector.name=hive',
    'hive.metastore=file',
    `hive.metastore.catalog.dir=${root}_trino/metastore`,
    'fs.native-s3.enabled=true',
    ...(lake.endpoint ? [`s3.endpoint=${lake.endpoint}`] : []),
    `s3.region=${lake.region}`,
    `s3.path-style-access=${lake.forcePathStyle}`,
    // Resolved by Trino from the environment `engine up` gives the JVMs: no secret is written to disk.
    's3.aws-access-key=${ENV:MEDALLION_S3_ACCESS_KEY}',
    's3.aws-secret-key=${ENV:MEDALLION_S3_SECRET_KEY}',
    // Models are external tables at versioned folders of the lake layout (<layer>/<model>/_versions/<id>/).
    'hive.non-managed-table-writes-enabled=true',
    // Bronze sources span day partitions (year=/month=/day=) below the source's folder.
    'hive.recursive-directories=true',
    'hive.storage-format=PARQUET',
    'hive.compression-codec=ZSTD',
    '',
  ].join('\n');
}

/** Writes every node's etc/ (node, JVM, server and catalog settings). */
export async function writeClusterConfig(plan: ClusterPlan, target: TrinoTarget, lake: S3Lake, trinoHome: string): Promise<void> {
  const coordinatorPort = plan.nodes[0].port;
  for (const node of plan.nodes) {
    await fsp.mkdir(path.join(node.etc, 'catalog'), { recursive: true });
    await fsp.mkdir(node.data, { recursive: true });
    const memory = node.role === 'coordinator' ? COORDINATOR_MEMORY : WORKER_MEMORY;
    const files: Record<string, string[]> = {
      'node.properties': [`node.environment=medallion`, `node.id=medallion-${node.role}`, `node.data-dir=${node.data}`, 'node.internal-address=127.0.0.1', 'node.bind-ip=127.0.0.1'],
      'jvm.config': ['-server', `-Xmx${memory.heap}`, '-XX:+UseG1GC', '-XX:+ExplicitGCInvokesConcurrent', '-XX:+ExitOnOutOfMemoryError', '-XX:-OmitStackTraceInFastThrow', '-XX:ReservedCodeCacheSize=256M', '-XX:PerMethodRecompilationCutoff=10000', '-XX:PerBytecodeRecompilationCutoff=10000', '-Djdk.attach.allowAttachSelf=true', '-Djdk.nio.maxCachedBufferSize=2000000', '-Dfile.encoding=UTF-8', '-Duser.timezone=UTC', '-XX:+EnableDynamicAgentLoading'],
      'config.properties': [
        `coordinator=${node.role === 'coordinator'}`,
        ...(node.role === 'coordinator' ? ['node-scheduler.include-coordinator=false'] : []),
        `http-server.http.port=${node.port}`,
        `discovery.uri=http://127.0.0.1:${coordinatorPort}`,
        `query.max-memory=${WORKER_MEMORY.query}`,
        `query.max-memory-per-node=${memory.query}`,
        `memory.heap-headroom-per-node=${memory.headroom}`,
        `catalog.config-dir=${path.join(node.etc, 'catalog')}`,
        `plugin.dir=${path.join(trinoHome, 'plugin')}`,
      ],
      'log.properties': ['io.trino=WARN'],
      [`catalog/${target.catalog}.properties`]: [hiveCatalog(lake).trimEnd()],
    };
    for (const [name, lines] of Object.entries(files)) await fsp.writeFile(path.join(node.etc, name), lines.join('\n') + '\n');
  }
}

/**
 * Sized for a 2-core, 24 GiB machine: the coordinator schedules (it runs no tasks), the worker holds the
 * queries' memory — 10,000,000 events' dedupe needs more than 1 GB in one operator. 8 GiB of heap in all.
 */
const COORDINATOR_MEMORY = { heap: '2G', query: '768MB', headroom: '512MB' };
const WORKER_MEMORY = { heap: '6G', query: '4GB', headroom: '1GB' };

/** The launcher's arguments for one node (start, stop, status, run). */
export function launcherArgs(command: string, node: ClusterPlan['nodes'][number]): string[] {
  const log = path.join(node.data, 'var', 'log');
  return [command, `--etc-dir=${node.etc}`, `--data-dir=${node.data}`, `--launcher-log-file=${path.join(log, 'launcher.log')}`, `--server-log-file=${path.join(log, 'server.log')}`];
}

/** MEDALLION_TRINO_HOME when set, else a Medallion checkout's .tools/trino-server-<version> (scripts/install-trino.sh). */
export function findTrino(): string | undefined {
  const explicit = process.env.MEDALLION_TRINO_HOME;
  if (explicit) return existsSync(path.join(explicit, 'bin', 'launcher')) ? explicit : undefined;
  const candidates = [1, 2, 3].map((up) => path.join(__dirname, ...Array<string>(up).fill('..'), '.tools', `trino-server-${TRINO_VERSION}`));
  return candidates.find((dir) => existsSync(path.join(dir, 'bin', 'launcher')));
}

/** A JDK of Java 24 or newer: MEDALLION_JAVA_HOME, JAVA_HOME, else the newest under /usr/lib/jvm. */
export function findJava(env: Record<string, string | undefined> = process.env): string | undefined {
  const listed = existsSync('/usr/lib/jvm') ? readdirSync('/usr/lib/jvm').map((d) => path.join('/usr/lib/jvm', d)) : [];
  const candidates = [env.MEDALLION_JAVA_HOME, env.JAVA_HOME, ...listed].filter((d): d is string => !!d);
  const usable = candidates.map((home) => ({ home, version: javaVersion(home) })).filter((c) => c.version >= MIN_JAVA);
  if (env.MEDALLION_JAVA_HOME) return usable.find((c) => c.home === env.MEDALLION_JAVA_HOME)?.home;
  return usable.sort((a, b) => b.version - a.version)[0]?.home;
}

/** The feature release of a JDK, from its `release` file (or `java -version` when it has none); 0 when not a JDK. */
function javaVersion(home: string): number {
  const release = path.join(home, 'release');
  let text = '';
  if (existsSync(release)) text = readFileSync(release, 'utf8');
  else if (existsSync(path.join(home, 'bin', 'java'))) {
    try {
      text = execFileSync(path.join(home, 'bin', 'java'), ['-version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch {
      return 0;
    }
  }
  const m = /JAVA_VERSION="(\d+)|version "(\d+)/.exec(text);
  return m ? Number(m[1] ?? m[2]) : 0;
}

/** What the coordinator reports: whether it has started, and how many workers are active. */
export async function clusterState(url: string): Promise<{ up: boolean; workers: number }> {
  try {
    const info = (await (await fetch(`${url}/v1/info`, { signal: AbortSignal.timeout(2000) })).json()) as { starting?: boolean };
    if (info.starting !== false) return { up: false, workers: 0 };
    const nodes = (await (await fetch(`${url}/v1/node`, { headers: { 'X-Trino-User': 'medallion' }, signal: AbortSignal.timeout(2000) })).json()) as unknown[];
    return { up: true, workers: nodes.length };
  } catch {
    return { up: false, workers: 0 };
  }
}
