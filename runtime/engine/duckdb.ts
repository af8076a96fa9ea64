// The embedded DuckDB engine (@duckdb/node-api) behind the EngineAdapter interface: open a warehouse
// file (failing at once, naming the holder, when another process has it), set up as the profile says
// (profileSetup.ts), query, stream, describe.
import { DuckDBConnection, DuckDBInstance, JsonDuckDBValueConverter } from '@duckdb/node-api';
import { existsSync, mkdirSync, realpathSync } from 'node:fs';
import * as path from 'node:path';
import type { ColumnInfo, EngineAdapter, EngineSession, JsonValue, Param, QueryResult, StreamChunk, StreamOptions } from './adapter.js';
import { setupError, type ConnectionSetup } from './profileSetup.js';

export type { ColumnInfo, EngineAdapter, EngineSession, JsonValue, Param, QueryResult, StreamChunk, StreamOptions } from './adapter.js';

/** The warehouse is open elsewhere. `pid` is the holder's process id when DuckDB names it. */
export class WarehouseLockedError extends Error {
  constructor(readonly file: string, readonly pid: number | undefined, readonly holder?: string) {
    super(
      (holder === 'this process'
        ? `The warehouse ${file} is already open in this process (PID ${pid})`
        : `The warehouse ${file} is in use by another process` +
          (pid !== undefined ? ` (PID ${pid}${holder ? `, ${holder}` : ''})` : '')) +
        '. Stop the other run (a terminal or the editor) and try again.',
    );
    this.name = 'WarehouseLockedError';
  }
}

export interface OpenOptions {
  readOnly?: boolean;
  /**
   * When given, SQL on this warehouse reads and writes files only under these folders (DuckDB's
   * allowed_directories with external access off, for good): a project's models and its templates'
   * run_query() cannot reach the rest of the machine.
   */
  confineTo?: string[];
  /** Extensions, attachments and settings (the dbt profile's), before any confinement; a failing step closes the file and throws. */
  setup?: ConnectionSetup;
}

/** Files this process has open: DuckDB would let a second instance in the same process through, unsafely. */
const openInProcess = new Set<string>();

/** Opens (creating when missing, unless read-only) a DuckDB database file. Never waits for a lock. */
export async function openWarehouse(file: string, options: OpenOptions = {}): Promise<Warehouse> {
  if (file === ':memory:') return openMemory();
  const absolute = path.resolve(file);
  const readOnly = options.readOnly ?? false;
  if (openInProcess.has(absolute)) throw new WarehouseLockedError(absolute, process.pid, 'this process');
  if (!readOnly) mkdirSync(path.dirname(absolute), { recursive: true });
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(absolute, readOnly ? { access_mode: 'READ_ONLY' } : {});
  } catch (err) {
    throw lockError(absolute, err) ?? err;
  }
  const each = options.setup?.each ?? [];
  let connection: DuckDBConnection | undefined;
  try {
    connection = await connect(instance, each);
    for (const step of options.setup?.once ?? []) await connection.run(step.sql).catch((err: unknown) => Promise.reject(setupError(step.what, err)));
  } catch (err) {
    connection?.closeSync();
    instance.closeSync();
    throw err;
  }
  openInProcess.add(absolute);
  const warehouse = new Warehouse(instance, absolute, readOnly, connection, each);
  if (options.confineTo) await confine(warehouse, [path.dirname(absolute), ...options.confineTo]);
  return warehouse;
}

/** An in-memory database: no file, no lock. Used for binding (static contracts) and tests. */
export async function openMemory(): Promise<Warehouse> {
  const instance = await DuckDBInstance.create(':memory:');
  return new Warehouse(instance, ':memory:', false, await connect(instance, []), []);
}

/** Recognizes DuckDB's "Conflicting lock is held in /usr/bin/node (PID 123) by user x" message. */
export function lockError(file: string, err: unknown): WarehouseLockedError | undefined {
  const message = err instanceof Error ? err.message : String(err);
  if (!/Could not set lock|Conflicting lock/i.test(message)) return undefined;
  const match = /Conflicting lock is held in (.*?) \(PID (\d+)\)/.exec(message);
  return new WarehouseLockedError(file, match ? Number(match[2]) : undefined, match?.[1]);
}

async function confine(warehouse: Warehouse, directories: string[]): Promise<void> {
  // DuckDB compares path strings: each folder as given and with its symlinks resolved.
  const all = [...new Set(directories.flatMap((d) => [path.resolve(d), existsSync(d) ? realpathSync(d) : path.resolve(d)]))];
  try {
    await warehouse.exec(`SET allowed_directories = [${all.map((d) => `'${(d.endsWith(path.sep) ? d : d + path.sep).replace(/'/g, "''")}'`).join(', ')}]; SET enable_external_access = false`);
  } catch (err) {
    warehouse.close();
    throw err;
  }
}

async function connect(instance: DuckDBInstance, setup: string[]): Promise<DuckDBConnection> {
  const connection = await instance.connect();
  try {
    // Date grouping and timestamptz rendering must not depend on the machine's zone (unless the profile sets it).
    await connection.run("SET TimeZone='UTC'");
    for (const sql of setup) await connection.run(sql).catch((err: unknown) => Promise.reject(setupError(`setting (${sql})`, err)));
  } catch (err) {
    connection.closeSync();
    throw err;
  }
  return connection;
}

class Session implements EngineSession {
  private done = false;

  constructor(protected readonly connection: DuckDBConnection) {}

  async exec(sql: string): Promise<number> {
    const result = await this.connection.run(sql);
    return result.rowsChanged;
  }

  async query(sql: string, params?: Param[] | Record<string, Param>): Promise<QueryResult> {
    const started = performance.now();
    const reader = await this.connection.runAndReadAll(sql, params);
    const names = reader.columnNames();
    const types = reader.columnTypes();
    const rows = reader.getRowObjectsJson() as Record<string, JsonValue>[];
    return {
      columns: names.map((name, i) => ({ name, type: types[i].toString() })),
      rows,
      elapsedMs: performance.now() - started,
    };
  }

  async *stream(sql: string, options: StreamOptions = {}): AsyncIterable<StreamChunk> {
    const limit = options.limit ?? Infinity;
    const result = await this.connection.stream(sql);
    const names = result.deduplicatedColumnNames();
    const columns = result.columnTypes().map((type, i) => ({ name: names[i], type: type.toString() }));
    let sent = 0;
    let exhausted = false;
    try {
      while (sent < limit && !options.signal?.aborted) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) {
          exhausted = true;
          break;
        }
        const values = chunk.convertColumns(JsonDuckDBValueConverter);
        const take = Math.min(chunk.rowCount, limit - sent);
        const rows: Record<string, JsonValue>[] = [];
        for (let r = 0; r < take; r++) {
          const row: Record<string, JsonValue> = {};
          for (let c = 0; c < names.length; c++) row[names[c]] = values[c][r] as JsonValue;
          rows.push(row);
        }
        sent += take;
        yield { columns, rows };
      }
    } finally {
      // A result stopped early holds the database (and its file lock) until it is garbage collected:
      // interrupted, its next fetch ends it, so closing the warehouse lets another process open the file.
      if (!exhausted) {
        this.connection.interrupt();
        await result.fetchChunk().catch(() => null);
      }
    }
  }

  async describe(sql: string): Promise<ColumnInfo[]> {
    const prepared = await this.connection.prepare(sql);
    try {
      const columns: ColumnInfo[] = [];
      for (let i = 0; i < prepared.columnCount; i++) {
        columns.push({ name: prepared.columnName(i), type: prepared.columnType(i).toString() });
      }
      return columns;
    } finally {
      prepared.destroySync();
    }
  }

  interrupt(): void {
    this.connection.interrupt();
  }

  close(): void {
    if (this.done) return;
    this.done = true;
    this.connection.closeSync();
  }
}

/** An open warehouse. Close it when the command ends, so other processes can open the file. */
export class Warehouse extends Session implements EngineAdapter {
  readonly engine = 'duckdb';
  private readonly sessions = new Set<Session>();
  private closed = false;

  constructor(
    private readonly instance: DuckDBInstance,
    readonly path: string,
    readonly readOnly: boolean,
    connection: DuckDBConnection,
    private readonly setup: string[],
  ) {
    super(connection);
  }

  /** Another connection to the same database, for statements that run in parallel. */
  async session(): Promise<EngineSession> {
    const session = new Session(await connect(this.instance, this.setup));
    this.sessions.add(session);
    return session;
  }

  override close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const session of this.sessions) session.close();
    super.close();
    this.instance.closeSync();
    openInProcess.delete(this.path);
  }
}
