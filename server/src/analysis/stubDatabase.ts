// The binder's in-memory DuckDB: each model's inputs as stubs (views of one row of typed NULLs,
// re-made only when their columns change), the model's compiled SQL described against them, and the
// problems that finds turned into diagnostics on the template and the YAML.
import type { Warehouse } from '../../../runtime/engine/duckdb.js';
import type { ColumnInfo } from '../../../runtime/engine/adapter.js';
import type { CompiledNode, Diagnostic, ModelNode } from '../../../runtime/project/types.js';
import { ident, relationKey } from '../../../runtime/engine/sql.js';
import { parseSqlError } from './sqlError.js';
import { checkContract, refineUnknownColumn, sqlDiagnostic } from './templateRanges.js';
import type { Column } from './snapshot.js';

export interface BindResult {
  /** Identity of the inputs: the template, its config and spec, compiled SQL and the stubs it was bound against. */
  key: string;
  /** Output columns; a column without a type depends on an input of unknown type. */
  columns?: Column[];
  diagnostics: Diagnostic[];
}

export interface Stub {
  relation: string;
  columns: Column[];
  signature: string;
}

/** Types tried for columns of unknown type when a query binds only for some of them (namesWithSomeType). */
const GUESSES = ['TIMESTAMP', 'VARCHAR', 'DOUBLE', 'BIGINT', 'DATE', 'BOOLEAN'];

export class StubDatabase {
  /** The signature each stub was made with, by relationKey. */
  private readonly stubs = new Map<string, string>();

  /** The database was closed: every stub must be made again. */
  clear(): void {
    this.stubs.clear();
  }

  /**
   * Binds a compiled model against its inputs' stubs: output columns, SQL errors at the template, contract
   * checks. `inputs` undefined: an input's columns are unknown, and only the parser checks the SQL.
   */
  async bind(engine: Warehouse, model: ModelNode, compiled: CompiledNode, inputs: Stub[] | undefined, key: string): Promise<BindResult> {
    const diagnostics: Diagnostic[] = [];
    if (!inputs) {
      // Inputs unknown: the parser can still report syntax errors.
      const tree = await engine.query('select json_serialize_sql($1::varchar) as tree', [compiled.sql]);
      const parsed = JSON.parse(String(tree.rows[0]?.tree ?? '{}'));
      if (parsed.error) {
        const at = Number(parsed.position);
        diagnostics.push(sqlDiagnostic(model, compiled, `${parsed.error_message}`, Number.isFinite(at) ? at : undefined));
      }
      return { key, diagnostics };
    }
    let unknown = false;
    for (const stub of inputs) if (!(await this.createStub(engine, stub))) unknown = true;
    let described: ColumnInfo[];
    try {
      described = await describeRelation(engine, compiled.sql);
    } catch (err) {
      const error = parseSqlError(compiled.sql, err instanceof Error ? err.message : String(err));
      // With an input of unknown type only a syntax error, a missing table or a missing column is certain.
      if (unknown && !error.unknownColumn && error.kind !== 'Parser' && error.kind !== 'Catalog') {
        // Not shown, but the output's names do not depend on types: found with the unknowns given some type.
        const names = await this.namesWithSomeType(engine, compiled.sql, inputs);
        if (!names) return { key, diagnostics };
        const columns = names.map((name) => ({ name }));
        return { key, columns, diagnostics: checkContract(model, columns) };
      }
      const d = sqlDiagnostic(model, compiled, `${error.kind === 'Parser' ? 'SQL syntax' : error.kind}: ${error.message}`, error.offset);
      // A table outside the project may exist in the warehouse: worth a look, not an error.
      if (error.kind === 'Catalog') d.severity = 'warning';
      if (error.unknownColumn) refineUnknownColumn(model, d, error.unknownColumn, inputs);
      diagnostics.push(d);
      return { key, diagnostics };
    }
    // Which output types come from an unknown one is not tracked: with any unknown input, none is known.
    const columns = described.map((c) => (unknown ? { name: c.name } : c));
    diagnostics.push(...checkContract(model, columns));
    return { key, columns, diagnostics };
  }

  /**
   * The output column names of a query that binds only for some types of its unknown input columns
   * (date_trunc on an untyped NULL): each candidate type in turn; the stubs are made again afterwards.
   */
  private async namesWithSomeType(engine: Warehouse, sql: string, inputs: Stub[]): Promise<string[] | undefined> {
    const loose = inputs.filter((s) => s.columns.some((c) => c.type === undefined));
    try {
      for (const type of GUESSES) {
        for (const stub of loose) {
          this.stubs.delete(relationKey(stub.relation));
          const columns = stub.columns.map((c) => `CAST(NULL AS ${c.type === undefined ? type : c.type}) AS ${ident(c.name)}`);
          await engine.exec(`CREATE OR REPLACE VIEW ${stub.relation} AS SELECT ${columns.join(', ')}`).catch(() => undefined);
        }
        const described = await describeRelation(engine, sql).catch(() => undefined);
        if (described) return described.map((c) => c.name);
      }
      return undefined;
    } finally {
      for (const stub of loose) await this.createStub(engine, stub);
    }
  }

  /**
   * The stub is a view of one row of typed NULLs; a column of unknown type is an untyped NULL, which
   * DuckDB binds with any function or operator. Returns false when some column's type is unknown.
   */
  private async createStub(engine: Warehouse, stub: Stub): Promise<boolean> {
    const name = relationKey(stub.relation);
    const typed = stub.columns.every((c) => c.type !== undefined);
    if (this.stubs.get(name) === stub.signature) return typed;
    const schema = stub.relation.slice(0, stub.relation.lastIndexOf('.'));
    const view = (withTypes: boolean): string =>
      `CREATE OR REPLACE VIEW ${stub.relation} AS SELECT ${stub.columns.map((c) => `${c.type && withTypes ? `CAST(NULL AS ${c.type})` : 'NULL'} AS ${ident(c.name)}`).join(', ')}`;
    await engine.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    try {
      await engine.exec(view(true));
    } catch {
      // A declared type DuckDB does not know: the YAML gets its own diagnostic; bind with unknown types.
      await engine.exec(view(false));
      this.stubs.set(name, `${stub.signature}\0untyped`);
      return false;
    }
    this.stubs.set(name, stub.signature);
    return typed;
  }
}

/**
 * A model's columns as its view or table will have them: DuckDB names a repeated output name
 * (`columns('^user')` over a join, `a.*, b.*`) name_1, name_2… in a relation or subquery, but not in
 * a bare query's result. Asked of DuckDB only when a name repeats; the bare query's errors stay at
 * their offsets in the compiled SQL.
 */
async function describeRelation(engine: Warehouse, sql: string): Promise<ColumnInfo[]> {
  const described = await engine.describe(sql);
  if (new Set(described.map((c) => c.name.toLowerCase())).size === described.length) return described;
  return engine.describe(`select * from (${sql}\n)`).catch(() => described);
}
