// dbt's execute phase in templates: `{% call statement(...) %}`, load_result, run_query, and the
// adapter's look at the warehouse (get_columns_in_relation, get_relation, load_relation, execute).
// Rendering stays synchronous: a query whose result the render does not have yet stops it with
// QueryNeeded; the caller runs the query and renders again with the result (compile/execute.ts).
// Without a warehouse (the editor, dbt's parse phase) `execute` is false and nothing is queried.
import { literal, relation, relationParts as partsOf } from '../engine/sql.js';
import { Column, Table, type Fetched } from './agate.js';
import { Callable, ControlSignal, isJinjaObject, newDict, str, tuple, type JinjaObject } from './jinja/values.js';
import { Relation } from './relation.js';

/** A query the render needs the result of. */
export class QueryNeeded extends ControlSignal {
  constructor(
    readonly sql: string,
    readonly fetch: boolean,
  ) {
    super();
  }
}

/** A query that failed in the warehouse: the render fails at the call that made it. */
export interface QueryFailure {
  error: string;
}

/** The warehouse as a render sees it: a result already fetched (or the query's failure), or undefined until it ran. */
export type Query = (sql: string, fetch: boolean) => Fetched | QueryFailure | undefined;

export interface StatementHost {
  /** The render's query function; undefined when there is no warehouse (execute is false). */
  query(): Query | undefined;
  /** Results stored by name in this render (`statement('name')`, store_result). */
  results(): Map<string, unknown>;
  targetSchema: string;
}

const fn = (name: string, impl: (args: unknown[], kwargs: Record<string, unknown>, caller?: Callable) => unknown): Callable => new Callable(name, impl);

function ask(host: StatementHost, sql: string, fetch: boolean): Fetched | undefined {
  const query = host.query();
  if (!query) return undefined;
  const got = query(sql, fetch);
  if (got === undefined) throw new QueryNeeded(sql, fetch);
  if ('error' in got) throw new Error(`Database error: ${got.error}`);
  return got;
}

function response(fetched: Fetched | undefined): unknown {
  return newDict([['_message', 'OK'], ['code', 'OK'], ['rows_affected', fetched?.rows.length ?? 0]]);
}

function stored(fetched: Fetched | undefined): unknown {
  const table = new Table(fetched ?? { columns: [], rows: [] });
  return newDict([['response', response(fetched)], ['table', table], ['data', (fetched?.rows ?? []).map((r) => tuple(r))]]);
}

/** The relation a template passed in: a Relation, or a name as `schema.table` / `"schema"."table"`. */
function relationParts(value: unknown, schema: string): { schema: string; identifier: string } | undefined {
  if (value instanceof Relation) return { schema: value.schema, identifier: value.identifier };
  if (isJinjaObject(value)) return relationParts(String(value), schema);
  if (typeof value !== 'string') return undefined;
  const parts = partsOf(value);
  if (parts.length === 0) return undefined;
  return { schema: parts.length > 1 ? parts[parts.length - 2] : schema, identifier: parts[parts.length - 1] };
}

export function quotedRelation(schema: string, identifier: string): Relation {
  return Relation.of(relation(schema, identifier));
}

/**
 * The catalog to look in: a database the template names (an attached one), else the warehouse's own
 * ('memory' is what a Relation says when it does not know its database).
 */
function catalog(database: unknown): string {
  return typeof database === 'string' && database !== '' && database !== 'memory' ? literal(database) : 'current_database()';
}

function getRelation(host: StatementHost, database: unknown, schema: unknown, identifier: unknown): Relation | null {
  const s = typeof schema === 'string' && schema !== '' ? schema : host.targetSchema;
  const sql = `select table_schema, table_name from information_schema.tables where table_catalog = ${catalog(database)} and table_schema = ${literal(s)} and table_name = ${literal(str(identifier))}`;
  const found = ask(host, sql, true);
  return found && found.rows.length > 0 ? quotedRelation(s, str(identifier)) : null;
}

function columnsIn(host: StatementHost, relation: unknown): Column[] {
  const parts = relationParts(relation, host.targetSchema);
  if (!parts) return [];
  const sql = `select column_name, data_type from information_schema.columns where table_catalog = current_database() and table_schema = ${literal(parts.schema)} and table_name = ${literal(parts.identifier)} order by ordinal_position`;
  const found = ask(host, sql, true);
  return (found?.rows ?? []).map((r) => new Column(str(r[0]), str(r[1])));
}

/** statement, load_result, store_result and run_query as dbt defines them, plus the adapter's and api's parts. */
export function statementContext(host: StatementHost): { values: Array<[string, unknown]>; adapter: Array<[string, unknown]>; api: unknown } {
  const statement = fn('statement', (args, kwargs, caller) => {
    const name = args[0] ?? kwargs.name ?? null;
    const fetch = (args[1] ?? kwargs.fetch_result) === true;
    if (!host.query() || !caller) return '';
    const sql = str(caller.call([], {}));
    const fetched = ask(host, sql, fetch);
    if (name !== null && name !== undefined) host.results().set(str(name), stored(fetched));
    return '';
  });
  const runQuery = fn('run_query', (args, kwargs) => {
    if (!host.query()) return null;
    return new Table(ask(host, str(args[0] ?? kwargs.sql), true)!);
  });
  const loadRelation = fn('load_relation', ([relation]) => {
    const parts = relationParts(relation, host.targetSchema);
    return parts && host.query() ? getRelation(host, undefined, parts.schema, parts.identifier) : null;
  });
  const values: Array<[string, unknown]> = [
    ['statement', statement],
    ['load_result', fn('load_result', ([name]) => host.results().get(str(name)) ?? null)],
    ['store_result', fn('store_result', (args, kwargs) => {
      const table = kwargs.agate_table ?? args[2];
      host.results().set(str(args[0] ?? kwargs.name), newDict([['response', kwargs.response ?? args[1] ?? null], ['table', table ?? null], ['data', table instanceof Table ? table.jinjaItems() : []]]));
      return '';
    })],
    ['run_query', runQuery],
    ['load_relation', loadRelation],
  ];
  const adapter: Array<[string, unknown]> = [
    ['get_columns_in_relation', fn('get_columns_in_relation', ([relation]) => (host.query() ? columnsIn(host, relation) : []))],
    ['get_relation', fn('get_relation', (args, kwargs) => (host.query() ? getRelation(host, args[0] ?? kwargs.database, args[1] ?? kwargs.schema, args[2] ?? kwargs.identifier) : null))],
    ['execute', fn('execute', (args, kwargs) => {
      const fetched = host.query() ? ask(host, str(args[0] ?? kwargs.sql), (args[2] ?? kwargs.fetch) === true) : undefined;
      return tuple([response(fetched), new Table(fetched ?? { columns: [], rows: [] })]);
    })],
    ['check_schema_exists', fn('check_schema_exists', (args, kwargs) => {
      const schema = str(args[1] ?? kwargs.schema);
      const found = ask(host, `select schema_name from information_schema.schemata where schema_name = ${literal(schema)}`, true);
      return (found?.rows.length ?? 0) > 0;
    })],
  ];
  const relationApi: JinjaObject = {
    jinjaAttr: (name) =>
      name === 'create'
        ? fn('create', (args, kwargs) => quotedRelation(str(kwargs.schema ?? args[1] ?? host.targetSchema), str(kwargs.identifier ?? args[2] ?? '')))
        : undefined,
    toString: () => '<api.Relation>',
  };
  return { values, adapter, api: newDict([['Relation', relationApi], ['Column', fn('Column', (args, kwargs) => new Column(str(args[0] ?? kwargs.column), str(args[1] ?? kwargs.dtype ?? '')))]]) };
}
