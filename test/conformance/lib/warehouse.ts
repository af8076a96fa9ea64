// Reads a built DuckDB file for comparison: its relations with their columns and types, and per
// relation a row count and an order-independent checksum of the rows (over the columns asked for).
import { existsSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

export interface Column {
  name: string;
  type: string;
}

export interface Relation {
  /** `schema.name` */
  key: string;
  kind: 'table' | 'view';
  columns: Column[];
}

export interface Digest {
  rows: number;
  /** Sum of the rows' hashes, each row hashed as the list of its values cast to VARCHAR. */
  checksum: string;
}

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const relationSql = (key: string): string => {
  const dot = key.indexOf('.');
  return `${quote(key.slice(0, dot))}.${quote(key.slice(dot + 1))}`;
};
/** Values as text: two columns of different types but equal values (INTEGER 1, BIGINT 1) hash alike. */
const asText = (columns: string[]): string => `[${columns.map((c) => `${quote(c)}::VARCHAR`).join(', ')}]`;

/** Runs a step's SQL (source data landing, changing) against a tool's DuckDB file, creating it if need be. */
export async function execSql(file: string, sql: string): Promise<void> {
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  try {
    await connection.run(sql);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

export class Warehouse {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  /**
   * The file read-only; an empty in-memory database when the tool never created the file. Relative
   * paths in views (dbt-duckdb's external models) resolve against `project`, where the tool ran.
   */
  static async open(file: string, project: string): Promise<Warehouse> {
    const instance = existsSync(file) ? await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' }) : await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run(`SET file_search_path = '${project.replace(/'/g, "''")}'`);
    return new Warehouse(instance, connection);
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }

  private async query(sql: string): Promise<Record<string, unknown>[]> {
    return (await this.connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  }

  /** Every table and view the tools made (DuckDB's own catalogs left out), sorted by key. */
  async relations(): Promise<Relation[]> {
    const rows = await this.query(`
      SELECT schema_name || '.' || table_name AS key, 'table' AS kind FROM duckdb_tables()
        WHERE database_name = current_database() AND NOT internal AND NOT temporary
      UNION ALL
      SELECT schema_name || '.' || view_name, 'view' FROM duckdb_views()
        WHERE database_name = current_database() AND NOT internal AND NOT temporary
      ORDER BY 1`);
    const columns = await this.query(`
      SELECT schema_name || '.' || table_name AS key, column_name AS name, data_type AS type FROM duckdb_columns()
        WHERE database_name = current_database() AND NOT internal
      ORDER BY schema_name, table_name, column_index`);
    return rows.map((r) => ({
      key: String(r.key),
      kind: r.kind as Relation['kind'],
      columns: columns.filter((c) => c.key === r.key).map((c) => ({ name: String(c.name), type: String(c.type) })),
    }));
  }

  async digest(key: string, columns: string[]): Promise<Digest> {
    const hash = columns.length === 0 ? '0' : `coalesce(sum(hash(${asText(columns)})::HUGEINT), 0)`;
    const [row] = await this.query(`SELECT count(*) AS n, (${hash})::VARCHAR AS h FROM ${relationSql(key)}`);
    return { rows: Number(row.n), checksum: String(row.h) };
  }

  /** The rows as JSON arrays of text values, for showing which rows differ (capped at `limit`). */
  async rows(key: string, columns: string[], limit = 100_000): Promise<string[]> {
    if (columns.length === 0) return [];
    const rows = await this.query(`SELECT to_json(${asText(columns)})::VARCHAR AS r FROM ${relationSql(key)} LIMIT ${limit}`);
    return rows.map((r) => String(r.r));
  }
}
