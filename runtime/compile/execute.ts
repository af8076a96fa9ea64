// dbt's execute phase: compiles a node whose templates look at the warehouse (run_query, statement
// blocks, get_columns_in_relation, get_relation). Rendering is synchronous, so a render that needs a
// result stops (QueryNeeded); the query runs here and the node renders again with every result so
// far. Each query runs once per compile however often the render replays; a failed one fails the
// render at the call that made it.
import type { EngineSession } from '../engine/adapter.js';
import type { CompiledNode } from '../project/types.js';
import { isNumberType, type Fetched } from '../template/agate.js';
import { QueryNeeded, type Query, type QueryFailure } from '../template/statements.js';
import type { CompileOptions } from './compile.js';

export type RunQuery = (sql: string, fetch: boolean) => Promise<Fetched>;

/** Distinct queries one node may make before its compile is stopped (a template querying in a loop). */
const MAX_QUERIES = 500;

export async function compileExecuting(compile: (opts: CompileOptions) => CompiledNode, run: RunQuery, opts: CompileOptions = {}): Promise<CompiledNode> {
  const results = new Map<string, Fetched | QueryFailure>();
  const query: Query = (sql, fetch) => results.get(`${fetch}\0${sql}`);
  for (;;) {
    try {
      return compile({ ...opts, query });
    } catch (err) {
      if (!(err instanceof QueryNeeded)) throw err;
      if (results.size >= MAX_QUERIES) throw new Error(`more than ${MAX_QUERIES} queries while compiling one node`);
      const result = await run(err.sql, err.fetch).catch((e: unknown) => ({ error: e instanceof Error ? e.message : String(e) }));
      results.set(`${err.fetch}\0${err.sql}`, result);
    }
  }
}

/** Queries on an engine session: a fetch gives the rows in column order, anything else just runs. */
export function fetchOn(db: EngineSession): RunQuery {
  return async (sql, fetch) => {
    if (!fetch) {
      await db.exec(sql);
      return { columns: [], rows: [] };
    }
    const result = await db.query(sql);
    // Whole numbers that arrive as text (BIGINT, HUGEINT) are numbers to a template, as in dbt's agate tables.
    const numeric = result.columns.map((c) => isNumberType(c.type));
    const value = (v: unknown, i: number): unknown => (numeric[i] && typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : (v ?? null));
    return { columns: result.columns, rows: result.rows.map((row) => result.columns.map((c, i) => value(row[c.name], i))) };
  };
}
