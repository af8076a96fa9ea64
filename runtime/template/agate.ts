// Query results as dbt hands them to templates: agate tables (`table.rows`, `table.columns['x'].values()`,
// `table.column_names`, `row[0]`, `row['x']`) and dbt's Column objects from get_columns_in_relation.
import { Callable, tuple, Undefined, UNDEFINED, type JinjaObject } from './jinja/values.js';
import { ident } from '../engine/sql.js';

/** Rows fetched from the warehouse: columns with their engine types, values in column order. */
export interface Fetched {
  columns: Array<{ name: string; type: string }>;
  rows: unknown[][];
}

/** agate's MappedSequence: items by position and by key. */
class Mapped implements JinjaObject {
  constructor(
    private readonly keys: string[],
    private readonly items: unknown[],
  ) {}
  jinjaItems(): unknown[] {
    return this.items;
  }
  jinjaAttr(name: string): unknown {
    const i = this.keys.indexOf(name);
    if (i >= 0) return this.items[i];
    if (name === 'keys') return new Callable('keys', () => [...this.keys]);
    if (name === 'values') return new Callable('values', () => [...this.items]);
    if (name === 'items') return new Callable('items', () => this.keys.map((k, j) => tuple([k, this.items[j]])));
    if (name === 'get') return new Callable('get', ([key, fallback]) => (this.keys.includes(String(key)) ? this.items[this.keys.indexOf(String(key))] : (fallback ?? null)));
    return new Undefined(name);
  }
  toString(): string {
    return `<agate.MappedSequence: (${this.items.map(String).join(', ')})>`;
  }
}

class TableColumn implements JinjaObject {
  constructor(
    private readonly name: string,
    private readonly type: string,
    private readonly values: unknown[],
  ) {}
  jinjaItems(): unknown[] {
    return this.values;
  }
  jinjaAttr(attr: string): unknown {
    if (attr === 'name') return this.name;
    if (attr === 'data_type') return this.type;
    if (attr === 'values') return new Callable('values', () => tuple(this.values));
    if (attr === 'values_distinct') return new Callable('values_distinct', () => tuple([...new Set(this.values)]));
    if (attr === 'values_without_nulls') return new Callable('values_without_nulls', () => tuple(this.values.filter((v) => v !== null)));
    return new Undefined(attr);
  }
  toString(): string {
    return `<agate.Column: ${this.name}>`;
  }
}

/** An agate Table of fetched rows. */
export class Table implements JinjaObject {
  private readonly names: string[];
  constructor(private readonly fetched: Fetched) {
    this.names = fetched.columns.map((c) => c.name);
  }
  jinjaItems(): unknown[] {
    return this.rowObjects();
  }
  jinjaAttr(attr: string): unknown {
    switch (attr) {
      case 'rows':
        return new Mapped([], this.rowObjects());
      case 'columns':
        return new Mapped(this.names, this.fetched.columns.map((c, i) => new TableColumn(c.name, c.type, this.fetched.rows.map((r) => r[i] ?? null))));
      case 'column_names':
        return tuple(this.names);
      case 'column_types':
        return tuple(this.fetched.columns.map((c) => c.type));
      case 'print_table':
      case 'print_json':
        return new Callable(attr, () => '');
    }
    return new Undefined(attr);
  }
  private rowObjects(): unknown[] {
    return this.fetched.rows.map((r) => new Mapped(this.names, r.map((v) => v ?? null)));
  }
  toString(): string {
    return `<agate.Table: ${this.fetched.rows.length} rows>`;
  }
}

const STRING = /^(VARCHAR|TEXT|STRING|CHAR|BPCHAR)/i;
const INTEGER = /^(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|INT\d)/i;
const FLOAT = /^(FLOAT|DOUBLE|REAL)/i;
const NUMERIC = /^(DECIMAL|NUMERIC)/i;

/** Whether an engine type is a number (integer, float or decimal). */
export function isNumberType(type: string): boolean {
  return INTEGER.test(type) || FLOAT.test(type) || NUMERIC.test(type);
}

/** dbt's Column: `column.name`, `column.quoted`, `column.dtype`, `column.is_number()`, ... */
export class Column implements JinjaObject {
  constructor(
    readonly name: string,
    readonly dtype: string,
  ) {}
  jinjaAttr(attr: string): unknown {
    const is = (name: string, test: () => boolean): Callable => new Callable(name, () => test());
    switch (attr) {
      case 'name':
      case 'column':
        return this.name;
      case 'quoted':
        return ident(this.name);
      case 'dtype':
      case 'data_type':
        return this.dtype;
      case 'is_string':
        return is(attr, () => STRING.test(this.dtype));
      case 'is_integer':
        return is(attr, () => INTEGER.test(this.dtype));
      case 'is_float':
        return is(attr, () => FLOAT.test(this.dtype));
      case 'is_numeric':
        return is(attr, () => NUMERIC.test(this.dtype));
      case 'is_number':
        return is(attr, () => isNumberType(this.dtype));
      case 'string_size':
        return new Callable(attr, () => Number(/\((\d+)\)/.exec(this.dtype)?.[1] ?? 256));
    }
    return UNDEFINED;
  }
  toString(): string {
    return `<Column ${this.name} (${this.dtype})>`;
  }
}
