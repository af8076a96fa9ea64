// Runs a Python model (`def model(dbt, session)`) as dbt-duckdb does, in a Python subprocess. The
// runner keeps the warehouse (DuckDB allows one writing process), so the model's inputs are copied
// into a scratch DuckDB file the subprocess attaches under the warehouse's own names, the model's
// result comes back as another scratch file, and the usual materialization (materialize.ts) builds
// the table from it: atomic like a SQL model's, so a model that raises leaves the previous table.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { ident, literal, relationParts } from '../engine/sql.js';
import type { CompiledNode, ModelConfig, ModelNode, Range } from '../project/types.js';
import { constantMap } from '../template/offsetMap.js';
import { externalTarget } from './externalModel.js';
import { isIncrementalRun, materialize, ModelError } from './materialize.js';
import { PYTHON_DRIVER } from './pythonDriver.js';
import { findPython } from './pythonFind.js';
import type { NodeContext, NodeOutcome } from './types.js';

const MATERIALIZATIONS = ['table', 'incremental'];

export async function runPythonModel(ctx: NodeContext, model: ModelNode): Promise<NodeOutcome> {
  const python = await findPython(ctx.project);
  if (!python.ok) return { status: 'skipped', message: python.reason };
  // As in dbt, a Python model is a table unless incremental: a folder's `+materialized: view` does not apply.
  const config = model.config.materialized === 'view' ? { ...model.config, materialized: 'table' as const } : model.config;
  if (!MATERIALIZATIONS.includes(config.materialized)) {
    const message = `'${config.materialized}' is not a materialization of Python models (${MATERIALIZATIONS.join(', ')})`;
    return { status: 'error', message, error: { file: model.file, range: configRange(model), message } };
  }
  const catalog = String((await ctx.db.query('SELECT current_database() AS d')).rows[0].d);
  const inputs = inputsOf(ctx, model, catalog);
  if ('error' in inputs) return { status: 'error', message: inputs.error, error: { file: model.file, range: inputs.range, message: inputs.error } };
  const incremental = await isIncrementalRun(ctx.db, model, config, ctx.fullRefresh);
  const self = parts(model.relation, catalog);
  if (incremental) inputs.tables.set(model.relation, self);

  const dir = path.join(ctx.tempDir, `python-${model.name}-${randomBytes(3).toString('hex')}`);
  await fsp.mkdir(dir, { recursive: true });
  const alias = `__medallion_py_${randomBytes(4).toString('hex')}`;
  try {
    const catalogs = await copyInputs(ctx, dir, alias, inputs.tables);
    const output = path.join(dir, 'result.duckdb');
    const spec = {
      name: model.name,
      model_file: path.resolve(ctx.project.root, model.file),
      catalogs,
      use: catalog,
      refs: inputs.refs,
      sources: inputs.sources,
      config: dbtConfig(config),
      this: { database: self[0], schema: self[1], identifier: self[2] },
      is_incremental: incremental,
      output,
    };
    const specFile = path.join(dir, 'spec.json');
    await fsp.writeFile(specFile, JSON.stringify(spec));
    const run = await runProcess(python.command, ['-c', PYTHON_DRIVER, specFile], ctx.project.root, ctx.signal);
    if (run.code !== 0) return failure(model, run);
    await ctx.db.exec(`ATTACH ${literal(output)} AS ${ident(alias)} (READ_ONLY)`);
    try {
      const compiled: CompiledNode = { id: model.id, sql: `SELECT * FROM ${ident(alias)}.main.result`, map: constantMap({ start: 0, end: 0 }), config, diagnostics: [] };
      const result = await materialize({ db: ctx.db, lake: ctx.lake, tempDir: ctx.tempDir, external: externalTarget(ctx.project) }, { ...model, config }, compiled, incremental);
      return { status: 'success', rows: result.rows, message: `python ${result.message}`, details: result.published ? { published: result.published } : undefined };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const at = err instanceof ModelError && err.code === 'contract' && model.spec ? model.spec.location : { file: model.file, range: undefined };
      return { status: 'error', message: message.split('\n')[0], error: { ...at, message } };
    } finally {
      await ctx.db.exec(`DETACH ${ident(alias)}`).catch(() => undefined);
    }
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

type Parts = [catalog: string, schema: string, name: string];
interface Inputs {
  refs: Record<string, string>;
  sources: Record<string, string>;
  /** The warehouse relations to copy (as written) and their names in the subprocess. */
  tables: Map<string, Parts>;
}

/** What dbt.ref()/dbt.source() may name: the calls read statically, resolved through the graph. */
function inputsOf(ctx: NodeContext, model: ModelNode, catalog: string): Inputs | { error: string; range: Range } {
  const inputs: Inputs = { refs: {}, sources: {}, tables: new Map() };
  const parents = [...(ctx.graph.parents.get(model.id) ?? [])].map((id) => ctx.graph.nodes.get(id));
  for (const ref of model.scan.refs) {
    const node = parents.find((n) => n && n.kind !== 'source' && n.kind !== 'test' && n.name === ref.name);
    if (!node || node.kind === 'source' || node.kind === 'test') return { error: `dbt.ref('${ref.name}') names no model, seed or snapshot`, range: ref.nameRange ?? ref.range };
    if (node.kind === 'model' && node.config.materialized === 'ephemeral') return { error: `dbt.ref('${ref.name}'): a Python model cannot read an ephemeral model`, range: ref.nameRange ?? ref.range };
    const name = parts(node.relation, catalog);
    inputs.tables.set(node.relation, name);
    inputs.refs[ref.package ? `${ref.package}.${ref.name}` : ref.name] = quoted(name);
  }
  for (const call of model.scan.sources) {
    const node = ctx.graph.nodes.get(`source.${call.source}.${call.table}`);
    if (node?.kind !== 'source') return { error: `dbt.source('${call.source}', '${call.table}') names no source`, range: call.range };
    const name = parts(node.relation, catalog);
    inputs.tables.set(node.external ? `(SELECT * FROM ${node.external.sql})` : node.relation, name);
    inputs.sources[`${call.source}.${call.table}`] = quoted(name);
  }
  return inputs;
}

/** Copies each input into one scratch DuckDB file per catalog, under its own schema and name. */
async function copyInputs(ctx: NodeContext, dir: string, alias: string, tables: Map<string, Parts>): Promise<Array<{ name: string; file: string }>> {
  const files = new Map<string, string>();
  for (const [from, [catalog, schema, name]] of tables) {
    let file = files.get(catalog);
    const attached = `${alias}_in`;
    if (!file) {
      file = path.join(dir, `input-${files.size + 1}.duckdb`);
      files.set(catalog, file);
    }
    await ctx.db.exec(`ATTACH ${literal(file)} AS ${ident(attached)}`);
    try {
      await ctx.db.exec(`CREATE SCHEMA IF NOT EXISTS ${ident(attached)}.${ident(schema)}`);
      await ctx.db.exec(`CREATE TABLE ${ident(attached)}.${ident(schema)}.${ident(name)} AS SELECT * FROM ${from}`);
    } finally {
      await ctx.db.exec(`DETACH ${ident(attached)}`);
    }
  }
  return [...files].map(([name, file]) => ({ name, file }));
}

/** A relation as [catalog, schema, name]; two parts are in the warehouse's catalog. */
function parts(relation: string, catalog: string): Parts {
  const out = relationParts(relation);
  if (out.length >= 3) return [out[out.length - 3], out[out.length - 2], out[out.length - 1]];
  return out.length === 2 ? [catalog, out[0], out[1]] : [catalog, 'main', out[0] ?? relation];
}

function quoted(p: Parts): string {
  return p.map(ident).join('.');
}

/** dbt.config.get(key): the model's config under dbt's names. */
function dbtConfig(c: ModelConfig): Record<string, unknown> {
  return {
    ...c.extra,
    materialized: c.materialized,
    schema: c.schema,
    tags: c.tags,
    enabled: c.enabled,
    ...(c.uniqueKey ? { unique_key: c.uniqueKey.length === 1 ? c.uniqueKey[0] : c.uniqueKey } : {}),
    ...(c.incrementalStrategy ? { incremental_strategy: c.incrementalStrategy } : {}),
  };
}

interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the driver; a cancelled run kills it. Output is kept to its last 64 KiB. */
function runProcess(command: string, args: string[], cwd: string, signal?: AbortSignal): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], signal });
    let stdout = '';
    let stderr = '';
    const keep = (s: string, chunk: Buffer): string => (s + chunk.toString('utf8')).slice(-65536);
    child.stdout.on('data', (c: Buffer) => (stdout = keep(stdout, c)));
    child.stderr.on('data', (c: Buffer) => (stderr = keep(stderr, c)));
    child.on('error', (err) => resolve({ code: -1, stdout, stderr: stderr || err.message }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The exception's last traceback line, at the model file's line when the traceback passes through it. */
function failure(model: ModelNode, run: ProcessResult): NodeOutcome {
  const last = run.stdout.trim().split('\n').pop() ?? '';
  let report: { error?: string; line?: number | null; traceback?: string } = {};
  try {
    report = JSON.parse(last) as typeof report;
  } catch {
    report = { error: run.stderr.trim().split('\n').pop() || `the Python process exited with code ${run.code}` };
  }
  const line = typeof report.line === 'number' ? report.line : undefined;
  const message = `Python model failed: ${report.error}${line ? ` (${model.file}:${line})` : ''}`;
  const detail = [message, report.traceback?.trim(), run.stderr.trim()].filter(Boolean).join('\n\n');
  return { status: 'error', message, error: { file: model.file, range: line ? lineRange(model.text, line) : undefined, message: detail } };
}

function lineRange(text: string, line: number): Range {
  let start = 0;
  for (let i = 1; i < line && start >= 0; i++) start = text.indexOf('\n', start) + 1 || -1;
  if (start < 0) return { start: 0, end: 0 };
  const end = text.indexOf('\n', start);
  const lead = /^\s*/.exec(text.slice(start))![0].length;
  return { start: start + Math.min(lead, (end < 0 ? text.length : end) - start), end: end < 0 ? text.length : end };
}

/** Where `materialized` is set in the model, for a materialization Python models do not have. */
function configRange(model: ModelNode): Range | undefined {
  const call = [...model.scan.configs].reverse().find((c) => 'materialized' in c.args);
  return call ? (call.argRanges.materialized ?? call.range) : undefined;
}
