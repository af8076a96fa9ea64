// `medallion debug`: what `dbt debug` checks — the project loads, the dbt profile and its target are
// found, the warehouse opens (read-only, never created) or a Trino target's coordinator answers, and the lake is reachable.
// One line per check, ok / warn / failed; exit 1 when any failed. Nothing is written.
import { promises as fsp, constants as fsConstants } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import type { Command } from 'commander';
import { openWarehouse } from '../../engine/duckdb.js';
import { connectionOf, openTrino, serverUrl } from '../../engine/trino.js';
import { openLake } from '../../lake/open.js';
import { readDbtProfile } from '../../project/profiles.js';
import { action, colorsOf, displayPath, openProject, overridesOf, plural, projectOption, stdio, UserError, type Io, type OpenedProject, type ProjectOptions } from '../context.js';

type Status = 'ok' | 'warn' | 'failed';
interface Check {
  name: string;
  status: Status;
  detail: string;
}

export function register(program: Command): void {
  const command = program.command('debug').description('check the project, its dbt profile and target, the warehouse and the lake, as dbt debug does');
  projectOption(command);
  command.action(action((options: ProjectOptions) => debug(options)));
}

export async function debug(options: ProjectOptions, io: Io = stdio, env: Record<string, string | undefined> = process.env): Promise<number> {
  const pc = colorsOf(io);
  const checks: Check[] = [];
  const print = (c: Check): void => {
    const label = { ok: pc.green('ok    '), warn: pc.yellow('warn  '), failed: pc.red('failed') }[c.status];
    io.out(`  ${c.name.padEnd(10)} ${label} ${c.detail}`);
    checks.push(c);
  };
  io.out('medallion debug');
  let opened: OpenedProject | undefined;
  try {
    opened = await openProject(options, io, { allowErrors: true });
    const { project } = opened;
    const counts = `${plural(project.models.size, 'model')}, ${plural(project.seeds.size, 'seed')}, ${plural(project.sources.size, 'source')}`;
    print({ name: 'project', status: opened.errors ? 'failed' : 'ok', detail: `${path.posix.join(opened.displayRoot, project.config.file)}: ${project.config.name}, ${counts}${opened.errors ? `; ${plural(opened.errors, 'error')} (above)` : ''}` });
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    print({ name: 'project', status: 'failed', detail: err.message });
  }
  if (opened) {
    print(await profileCheck(opened, options, io, env));
    print(await warehouseCheck(opened, io));
    print(await lakeCheck(opened));
  }
  const failed = checks.filter((c) => c.status === 'failed').length;
  io.out(failed ? pc.red(`${plural(failed, 'check')} failed`) : pc.green('All checks passed'));
  return failed ? 1 : 0;
}

async function profileCheck(opened: OpenedProject, options: ProjectOptions, io: Io, env: Record<string, string | undefined>): Promise<Check> {
  const { config } = opened.project;
  if (config.format !== 'dbt') return { name: 'profile', status: 'ok', detail: `not used (pipeline.yml); target ${config.target.name}` };
  if (!config.profile) return { name: 'profile', status: 'warn', detail: `dbt_project.yml names no profile; the warehouse is ${config.warehouse}` };
  const overrides = overridesOf(options, io.cwd);
  const read = await readDbtProfile(opened.fs, opened.project.root, config, config.profile, { env, home: homedir(), target: overrides.target, profilesDir: overrides.profilesDir });
  const problem = read.diagnostics[0];
  if (problem) return { name: 'profile', status: problem.severity === 'error' ? 'failed' : 'warn', detail: problem.message };
  if (!read.file) return { name: 'profile', status: 'warn', detail: `no profiles.yml in the project, $DBT_PROFILES_DIR or ~/.dbt; the warehouse is ${config.warehouse}` };
  return { name: 'profile', status: 'ok', detail: `${displayPath(io.cwd, read.file)}: profile ${config.profile}, target ${config.target.name} (${config.target.type})` };
}

/** Opens an existing warehouse read-only (a lock held elsewhere names its holder); a missing one needs a writable folder. */
async function warehouseCheck(opened: OpenedProject, io: Io): Promise<Check> {
  const trino = opened.project.config.trino;
  if (trino) return trinoCheck(trino);
  const file = path.resolve(opened.project.root, opened.project.config.warehouse);
  const shown = displayPath(io.cwd, file);
  if (!(await fsp.stat(file).then(() => true, () => false))) {
    const folder = await writableAncestor(path.dirname(file));
    return folder ? { name: 'warehouse', status: 'ok', detail: `${shown} does not exist yet; the first run creates it` } : { name: 'warehouse', status: 'failed', detail: `${shown} cannot be created: its folder is not writable` };
  }
  try {
    const warehouse = await openWarehouse(file, { readOnly: true });
    try {
      await warehouse.query('select 1');
    } finally {
      warehouse.close();
    }
    return { name: 'warehouse', status: 'ok', detail: `${shown} opens` };
  } catch (err) {
    return { name: 'warehouse', status: 'failed', detail: (err as Error).message.split('\n')[0] };
  }
}

/** A Trino target: the coordinator runs a query on the target's catalog and has active workers. */
async function trinoCheck(target: NonNullable<OpenedProject['project']['config']['trino']>): Promise<Check> {
  try {
    const trino = await openTrino(connectionOf(target));
    try {
      const workers = Number((await trino.query("SELECT count(*) AS n FROM system.runtime.nodes WHERE NOT coordinator AND state = 'active'")).rows[0].n);
      const detail = `Trino at ${serverUrl(target)} (catalog ${target.catalog}): ${plural(workers, 'active worker')}`;
      return { name: 'warehouse', status: workers > 0 ? 'ok' : 'failed', detail };
    } finally {
      trino.close();
    }
  } catch (err) {
    return { name: 'warehouse', status: 'failed', detail: (err as Error).message.split('\n')[0] };
  }
}

/** A local lake's folder (or where it would be created) must be writable; an S3 lake is checked by the lake itself. */
async function lakeCheck(opened: OpenedProject): Promise<Check> {
  const { project } = opened;
  const lake = project.config.lake;
  if (lake.kind === 'local') {
    const folder = path.resolve(project.root, lake.path);
    return (await writableAncestor(folder)) ? { name: 'lake', status: 'ok', detail: `${lake.path} (local folder)` } : { name: 'lake', status: 'failed', detail: `${lake.path} is not writable` };
  }
  try {
    await openLake(project).check();
    return { name: 'lake', status: 'ok', detail: `s3://${lake.bucket}${lake.prefix ? `/${lake.prefix}` : ''} reachable` };
  } catch (err) {
    return { name: 'lake', status: 'failed', detail: (err as Error).message };
  }
}

/** Whether `folder`, or its nearest existing ancestor, is a writable folder. */
async function writableAncestor(folder: string): Promise<boolean> {
  for (let dir = folder; ; dir = path.dirname(dir)) {
    const stat = await fsp.stat(dir).catch(() => undefined);
    if (stat) return stat.isDirectory() && (await fsp.access(dir, fsConstants.W_OK).then(() => true, () => false));
    if (path.dirname(dir) === dir) return false;
  }
}
