// A Trino cluster behind the EngineAdapter interface, over Trino's HTTP protocol (the `trino-client`
// package): one statement per request, results paged as the coordinator produces them, cancel by query id.
import { BasicAuth, Trino, type QueryResult as TrinoPage } from 'trino-client';
import type { TrinoTarget } from '../project/types.js';
import type { ColumnInfo, EngineAdapter, EngineSession, JsonValue, Param, QueryResult, StreamChunk, StreamOptions } from './adapter.js';
import { literal } from './sql.js';

/** How long a statement is submitted again while the coordinator has no worker to run it on. */
const NO_NODES_WAIT_MS = 60_000;

/** Where and as whom to connect: the target's fields, with the password read from the environment variable
 * the target names (never from the project's files). */
export type TrinoConnection = Omit<TrinoTarget, 'passwordEnv'> & { password?: string };

/** A failed statement, with Trino's error name and, when Trino gives one, the line and column in the SQL. */
export class TrinoError extends Error {
  constructor(message: string, readonly errorName: string, readonly line?: number, readonly column?: number) {
    super(message);
    this.name = 'TrinoError';
  }

  /** The message without Trino's "line L:C: " lead (the place travels as an offset instead). */
  get reason(): string {
    return this.message.replace(/^line \d+:\d+: /, '');
  }
}

export function serverUrl(c: Pick<TrinoConnection, 'host' | 'port' | 'httpScheme'>): string {
  return `${c.httpScheme}://${c.host}:${c.port}`;
}

/** The connection a target describes; the password comes from the environment variable it names. */
export function connectionOf(target: TrinoTarget, env: Record<string, string | undefined> = process.env): TrinoConnection {
  const { passwordEnv, ...rest } = target;
  if (passwordEnv !== undefined && !env[passwordEnv]) throw new Error(`The Trino target needs a password: the environment variable ${passwordEnv} (password_env) is not set`);
  return { ...rest, ...(passwordEnv ? { password: env[passwordEnv] } : {}) };
}

/** Opens a client and checks the coordinator answers a query, so a wrong address fails at once. */
export async function openTrino(connection: TrinoConnection): Promise<TrinoAdapter> {
  const adapter = new TrinoAdapter(connection);
  try {
    await adapter.query('SELECT 1');
  } catch (err) {
    throw new Error(`Cannot run a query on the Trino coordinator ${serverUrl(connection)} (catalog ${connection.catalog}): ${err instanceof Error ? err.message : String(err)}. Is it running? \`medallion engine up --target NAME\` starts a local one.`);
  }
  return adapter;
}

class TrinoSession implements EngineSession {
  private running: string | undefined;
  private cancelled: string | undefined;
  private closed = false;

  constructor(protected readonly client: Trino) {}

  async exec(sql: string): Promise<number> {
    let changed = 0;
    for await (const page of this.pages(sql)) changed = (page as { updateCount?: number }).updateCount ?? changed;
    return changed;
  }

  async query(sql: string, params?: Param[] | Record<string, Param>): Promise<QueryResult> {
    const started = performance.now();
    let columns: ColumnInfo[] = [];
    const rows: Record<string, JsonValue>[] = [];
    for await (const chunk of this.stream(withParams(sql, params))) {
      columns = chunk.columns;
      rows.push(...chunk.rows);
    }
    return { columns, rows, elapsedMs: performance.now() - started };
  }

  async *stream(sql: string, options: StreamOptions = {}): AsyncIterable<StreamChunk> {
    const limit = options.limit ?? Infinity;
    let sent = 0;
    // An abort kills the query at once, not when its next page arrives (a long query may send none for minutes).
    const abort = (): void => this.interrupt();
    options.signal?.addEventListener('abort', abort);
    try {
      for await (const page of this.pages(sql)) {
        if (options.signal?.aborted || sent >= limit) {
          this.interrupt();
          break;
        }
        if (!page.columns) continue;
        const columns = page.columns.map((c) => ({ name: c.name, type: c.type.toUpperCase() }));
        const data = (page.data ?? []).slice(0, limit - sent);
        if (data.length === 0 && sent > 0) continue;
        sent += data.length;
        yield { columns, rows: data.map((values) => Object.fromEntries(columns.map((c, i) => [c.name, values[i] as JsonValue]))) };
      }
    } finally {
      options.signal?.removeEventListener('abort', abort);
    }
  }

  async describe(sql: string): Promise<ColumnInfo[]> {
    // Planning without reading: Trino returns the output columns of a query that produces no rows.
    return (await this.query(`SELECT * FROM (\n${sql}\n) LIMIT 0`)).columns;
  }

  /** Kills the running query by its id (once: the runner repeats interrupts until a statement stops). */
  interrupt(): void {
    if (!this.running || this.running === this.cancelled) return;
    this.cancelled = this.running;
    void this.client.cancel(this.running).catch(() => undefined);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.interrupt();
  }

  /**
   * The pages of one statement; a failed statement throws a TrinoError. A statement refused for want of a
   * worker (NO_NODES_AVAILABLE: one restarting, or missing heartbeats on a busy machine) ran nothing, so
   * it is submitted again for up to NO_NODES_WAIT_MS before that error is thrown.
   */
  private async *pages(sql: string): AsyncIterable<TrinoPage> {
    const deadline = Date.now() + NO_NODES_WAIT_MS;
    for (;;) {
      const iterator = await this.client.query(sql.replace(/[\s;]+$/, ''));
      this.running = submittedId(iterator);
      let answered = false;
      let again = false;
      try {
        for await (const page of iterator) {
          this.running = page.id;
          if (page.error) {
            again = page.error.errorName === 'NO_NODES_AVAILABLE' && !answered && !this.closed && this.running !== this.cancelled && Date.now() < deadline;
            if (again) break;
            const at = (page.error as { errorLocation?: { lineNumber: number; columnNumber: number } }).errorLocation;
            throw new TrinoError(page.error.message, page.error.errorName, at?.lineNumber, at?.columnNumber);
          }
          answered ||= Boolean(page.columns || page.data);
          yield page;
        }
      } finally {
        this.running = undefined;
      }
      if (!again) return;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

/** A Trino target. Sessions are independent HTTP clients; the cluster keeps no per-client state here. */
export class TrinoAdapter extends TrinoSession implements EngineAdapter {
  readonly engine = 'trino';
  readonly path: string;
  readonly readOnly = false;

  constructor(private readonly connection: TrinoConnection) {
    super(client(connection));
    this.path = `${serverUrl(connection)}/${connection.catalog}`;
  }

  async session(): Promise<EngineSession> {
    return new TrinoSession(client(this.connection));
  }
}

/**
 * The id Trino gave a statement when it was submitted. trino-client (0.2.9, pinned) yields no page
 * before the first rows or the end, so a long statement's id is read from the submission its iterator keeps.
 */
function submittedId(iterator: unknown): string | undefined {
  const id = (iterator as { iter?: { queryResult?: { id?: unknown } } }).iter?.queryResult?.id;
  return typeof id === 'string' ? id : undefined;
}

function client(c: TrinoConnection): Trino {
  return Trino.create({
    server: serverUrl(c),
    catalog: c.catalog,
    schema: c.schema,
    source: 'medallion',
    auth: new BasicAuth(c.user, c.password),
    session: c.sessionProperties,
  });
}

/** Positional `?` parameters, bound by Trino itself (EXECUTE IMMEDIATE … USING). */
function withParams(sql: string, params?: Param[] | Record<string, Param>): string {
  if (params === undefined || (Array.isArray(params) && params.length === 0)) return sql;
  if (!Array.isArray(params)) throw new Error('Named parameters are not supported on Trino');
  return `EXECUTE IMMEDIATE ${literal(sql)} USING ${params.map(toLiteral).join(', ')}`;
}

function toLiteral(value: Param): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return literal(value);
}
