// The engine-neutral interface the runner, preview and the language server talk to. DuckDB is the
// embedded implementation (duckdb.ts); a Spark or Trino adapter reading the same lake would be another.

/** A value that survives JSON.stringify unchanged (BIGINT, DECIMAL, dates arrive as strings). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A query parameter: dates and timestamps are passed as ISO strings and cast in SQL. */
export type Param = null | boolean | number | string | bigint;

export interface ColumnInfo {
  name: string;
  /** The engine's type name, e.g. 'BIGINT', 'TIMESTAMP WITH TIME ZONE', 'DECIMAL(18,3)'. */
  type: string;
}

export interface QueryResult {
  columns: ColumnInfo[];
  rows: Record<string, JsonValue>[];
  elapsedMs: number;
}

export interface StreamChunk {
  columns: ColumnInfo[];
  rows: Record<string, JsonValue>[];
}

export interface StreamOptions {
  /** Stop after this many rows (the query itself is not rewritten). */
  limit?: number;
  signal?: AbortSignal;
}

/** One connection: statements on one session run one after another. */
export interface EngineSession {
  /** Runs one or more statements, discarding results. Returns rows changed by the last one. */
  exec(sql: string): Promise<number>;
  query(sql: string, params?: Param[] | Record<string, Param>): Promise<QueryResult>;
  /** Rows in chunks as the engine produces them; stops at `limit` rows or when `signal` aborts. */
  stream(sql: string, options?: StreamOptions): AsyncIterable<StreamChunk>;
  /** Output columns of a query without running it. */
  describe(sql: string): Promise<ColumnInfo[]>;
  /** Cancels the statement running on this session, if any. */
  interrupt(): void;
  close(): void;
}

/** An open warehouse: a default session plus extra sessions for parallel work. */
export interface EngineAdapter extends EngineSession {
  readonly engine: string;
  /** The database file, or ':memory:'. */
  readonly path: string;
  readonly readOnly: boolean;
  session(): Promise<EngineSession>;
}
