// Preview: the first N rows of a query, a model's materialized relation or its compiled SQL, streamed
// from the engine and stopped after N rows, so the user's SQL is never rewritten (LIMIT, ORDER BY,
// a trailing semicolon or comment all stay as written). Also the safe subquery wrapping others need.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { ColumnInfo, EngineAdapter, EngineSession, JsonValue } from '../engine/adapter.js';
import { openMemory, openWarehouse, type Warehouse } from '../engine/duckdb.js';
import { splitRelation } from '../engine/sql.js';
import { connectionOf, openTrino } from '../engine/trino.js';
import type { CompiledNode, Project } from '../project/types.js';
import type { RunGraph } from './types.js';

export interface PreviewResult {
  columns: ColumnInfo[];
  /** JSON-safe: BIGINT, DECIMAL, dates and timestamps arrive as strings. */
  rows: Record<string, JsonValue>[];
  elapsedMs: number;
  /** True when the query had more rows than the limit. */
  truncated: boolean;
}

export interface PreviewOptions {
  /** Rows to return; default 100. */
  limit?: number;
  signal?: AbortSignal;
}

export const DEFAULT_PREVIEW_LIMIT = 100;

/**
 * The engine a preview reads from: the warehouse file opened read-only (a writer's lock is a
 * WarehouseLockedError), or an empty in-memory database when there is no file (yet).
 */
export async function openForPreview(file: string | undefined): Promise<Warehouse> {
  return file && existsSync(file) ? openWarehouse(file, { readOnly: true }) : openMemory();
}

/** What a project's preview reads: its Trino target's cluster, else the warehouse file (openForPreview). */
export async function openPreviewEngine(project: Project): Promise<EngineAdapter> {
  const trino = project.config.trino;
  return trino ? openTrino(connectionOf(trino)) : openForPreview(path.resolve(project.root, project.config.warehouse));
}

/** The first `limit` rows of a query, as written. Fetches one row more than asked to know whether it was cut. */
export async function previewSql(session: EngineSession, sql: string, options: PreviewOptions = {}): Promise<PreviewResult> {
  const limit = Math.max(0, Math.floor(options.limit ?? DEFAULT_PREVIEW_LIMIT));
  const started = performance.now();
  let columns: ColumnInfo[] | undefined;
  const rows: Record<string, JsonValue>[] = [];
  for await (const chunk of session.stream(sql, { limit: limit + 1, signal: options.signal })) {
    columns ??= chunk.columns;
    rows.push(...chunk.rows);
  }
  // An empty result yields no chunk; binding the query still gives its columns.
  columns ??= await session.describe(sql).catch(() => []);
  const truncated = rows.length > limit;
  if (truncated) rows.length = limit;
  return { columns, rows, elapsedMs: performance.now() - started, truncated };
}

/**
 * 'relation': what was last built; 'compiled': the model's SQL as it is now (as a full refresh);
 * 'auto': the relation when it exists, else the compiled SQL.
 */
export type PreviewFrom = 'auto' | 'relation' | 'compiled';

export interface ModelPreview extends PreviewResult {
  /** What was read: the relation, or the compiled SQL. */
  from: 'relation' | 'compiled';
  sql: string;
}

/** Compiles a node: compileNode with the project and graph bound, or its execute phase against a warehouse (compile/execute.ts). */
export type CompileFn = (id: string, opts?: { isIncremental?: boolean }) => CompiledNode | Promise<CompiledNode>;

/** The first rows of a model, seed or source (by node id). Compile errors and engine errors throw. */
export async function previewNode(
  session: EngineSession,
  graph: RunGraph,
  id: string,
  compile: CompileFn,
  options: PreviewOptions & { from?: PreviewFrom } = {},
): Promise<ModelPreview> {
  const node = graph.nodes.get(id);
  if (!node || node.kind === 'test') throw new Error(`No model, seed or source '${id}' in the project`);
  const from = options.from ?? 'auto';
  const compiles = node.kind === 'model';
  const ephemeral = node.kind === 'model' && node.config.materialized === 'ephemeral';
  const useRelation = from === 'relation' || !compiles || (from === 'auto' && !ephemeral && (await relationExists(session, node.relation)));
  if (useRelation) {
    const sql = `select * from ${node.relation}`;
    return { ...(await previewSql(session, sql, options)), from: 'relation', sql };
  }
  const compiled = await compile(id, { isIncremental: false });
  const problem = compiled.diagnostics.find((d) => d.severity === 'error');
  if (problem) throw new Error(`${problem.file}: ${problem.message}`);
  return { ...(await previewSql(session, compiled.sql, options)), from: 'compiled', sql: compiled.sql };
}

/** True when the relation ("schema"."name") exists in the session's database (its catalog, on Trino) as a table or view. */
export async function relationExists(session: EngineSession, relation: string): Promise<boolean> {
  const { schema, name } = splitRelation(relation);
  const result = await session.query('select 1 from information_schema.tables where table_catalog = current_catalog and table_schema = ? and table_name = ?', [schema, name]);
  return result.rows.length > 0;
}

/**
 * `(sql) alias`: a query usable in FROM. Trailing semicolons and comments are removed (never inside
 * a string, quoted identifier or comment), and the closing parenthesis goes on its own line so a
 * line comment inside the query cannot swallow it.
 */
export function toSubquery(sql: string, alias: string): string {
  return `(\n${stripTrailing(sql)}\n) ${alias}`;
}

/** The query without the semicolons, comments and whitespace after its last token. */
export function stripTrailing(sql: string): string {
  return sql.slice(0, lastTokenEnd(sql));
}

/** The offset just after the last character that is code (not whitespace, a comment or a semicolon). */
function lastTokenEnd(sql: string): number {
  let end = 0;
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? n : nl + 1;
    } else if (c === '/' && next === '*') {
      i = blockCommentEnd(sql, i);
    } else if (c === "'" || c === '"') {
      // E'…' strings escape with a backslash as well.
      const escapes = c === "'" && /[Ee]/.test(sql[i - 1] ?? '') && !/[A-Za-z0-9_]/.test(sql[i - 2] ?? '');
      i = quotedEnd(sql, i, c, escapes);
      end = i;
    } else if (c === '$' && /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.test(sql.slice(i, i + 64)) && !/[A-Za-z0-9_]/.test(sql[i - 1] ?? '')) {
      // A dollar-quoted string $tag$ … $tag$.
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64))![0];
      const close = sql.indexOf(tag, i + tag.length);
      i = close < 0 ? n : close + tag.length;
      end = i;
    } else {
      if (c !== ';' && !/\s/.test(c)) end = i + 1;
      i++;
    }
  }
  return end;
}

/** After a quoted string or identifier starting at `start`; a doubled quote (or, in E'…', a backslash) escapes. */
function quotedEnd(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    if (backslashEscapes && sql[i] === '\\') {
      i += 2;
    } else if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i++;
    }
  }
  return sql.length;
}

/** After a block comment starting at `start`; they nest, as in DuckDB's (PostgreSQL's) grammar. */
function blockCommentEnd(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth++;
      i += 2;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return sql.length;
}
