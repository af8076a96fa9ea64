// Runs one conformance step (`build` or `source freshness`) with both tools: each in its own copy of the
// project, with its own profiles.yml pointing at its own DuckDB file (both named warehouse.duckdb, so
// `this.database` agrees).
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DBT_ENV, dbtProfileName, dbtProfilesYml } from '../../support/dbtVenv.js';
import type { Spec, Step, StepCommand } from './spec.js';
import { execSql } from './warehouse.js';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const MEDALLION = path.join(ROOT, 'bin', 'medallion.js');
const THREADS = 2;

export type ToolName = 'dbt' | 'medallion';

export interface Workspace {
  tool: ToolName;
  project: string;
  profiles: string;
  database: string;
}

export interface ToolRun {
  tool: ToolName;
  command: StepCommand;
  code: number | null;
  output: string;
  /** run_results.json as the tool wrote it for this step, when it wrote one. */
  runResults?: unknown;
  /** sources.json (source freshness) as the tool wrote it for this step, when it wrote one. */
  sources?: unknown;
}

/**
 * The artifact a step is compared through: run_results.json after `build`, sources.json after
 * `source freshness` (dbt writes no run_results.json then).
 */
export function artifactOf(run: ToolRun): { file: string; json: unknown } {
  return run.command === 'source freshness' ? { file: 'sources.json', json: run.sources } : { file: 'run_results.json', json: run.runResults };
}

/** Copies the project (without conformance.yml and the step folders) into `<tmp>/<tool>/project`. */
export function layOut(spec: Spec, tmp: string, tool: ToolName): Workspace {
  const base = path.join(tmp, tool);
  const project = path.join(base, 'project');
  const profiles = path.join(base, 'profiles');
  const database = path.join(base, 'warehouse.duckdb');
  const skip = new Set(['conformance.yml', 'target', 'logs', ...spec.stepFolders].map((p) => path.join(spec.dir, p)));
  cpSync(spec.dir, project, { recursive: true, filter: (src) => !skip.has(src) });
  mkdirSync(profiles, { recursive: true });
  writeFileSync(path.join(profiles, 'profiles.yml'), dbtProfilesYml(dbtProfileName(project), database, THREADS, spec.profile));
  return { tool, project, profiles, database };
}

/** Applies a step's file and data changes to a workspace. */
export async function applyStep(spec: Spec, step: Step, ws: Workspace): Promise<void> {
  if (step.files) cpSync(path.join(spec.dir, step.files), ws.project, { recursive: true });
  for (const file of step.delete ?? []) rmSync(path.join(ws.project, file), { force: true });
  // `{project}` in a step's SQL is the tool's copy of the project (to create files beside it, such as a database to attach).
  if (step.sql) await execSql(ws.database, readFileSync(path.join(spec.dir, step.sql), 'utf8').replaceAll('{project}', ws.project.replace(/'/g, "''")));
}

/** The step's command (`build`, or `source freshness`) with one tool; never throws for a failed node (the artifacts say what failed). */
export async function runStep(spec: Spec, step: Step, ws: Workspace, dbt: string): Promise<ToolRun> {
  const command = step.command ?? 'build';
  const target = path.join(ws.project, 'target');
  const artifacts = { runResults: path.join(target, 'run_results.json'), sources: path.join(target, 'sources.json') };
  for (const file of Object.values(artifacts)) rmSync(file, { force: true });
  const env = { ...process.env, ...spec.env, NO_COLOR: '1' };
  const words = command.split(' ');
  const args = step.args ?? [];
  const { code, output } =
    ws.tool === 'dbt'
      ? await run(dbt, [...words, '--project-dir', ws.project, '--profiles-dir', ws.profiles, '--no-partial-parse', ...args], { ...env, ...DBT_ENV }, ws.project)
      : // Python models run with dbt's own Python (the venv's, which has duckdb), as dbt runs them.
        await run(process.execPath, [MEDALLION, ...words, '--project', ws.project, ...args], { ...env, DBT_PROFILES_DIR: ws.profiles, MEDALLION_PYTHON: path.join(path.dirname(dbt), 'python') }, ws.project);
  const read = (file: string): unknown => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined);
  return { tool: ws.tool, command, code, output, runResults: read(artifacts.runResults), sources: read(artifacts.sources) };
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output: Buffer.concat(chunks).toString('utf8') }));
  });
}
