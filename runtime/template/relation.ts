// A relation as dbt exposes it in Jinja: prints as "schema"."name", with its parts as attributes.
import { splitRelation } from '../engine/sql.js';
import { Callable, newDict, Undefined, type JinjaObject } from './jinja/values.js';

/** Relations by their quoted text: immutable, so one object serves every template that prints it. */
const byText = new Map<string, Relation>();

export class Relation implements JinjaObject {
  /** dbt's Relation is a mapping: packages check `obj is mapping and obj.get('metadata', {}).get('type', '').endswith('Relation')`. */
  readonly jinjaMapping = true;

  constructor(
    readonly schema: string,
    readonly identifier: string,
    private readonly rendered: string,
    readonly database = 'memory',
  ) {}

  /** The Relation of a quoted relation '"schema"."name"' (or '"db"."schema"."name"'), shared. */
  static of(quoted: string): Relation {
    let r = byText.get(quoted);
    if (!r) {
      const { schema, name } = splitRelation(quoted);
      r = new Relation(schema, name, quoted);
      if (byText.size > 100_000) byText.clear();
      byText.set(quoted, r);
    }
    return r;
  }

  get name(): string {
    return this.identifier;
  }

  jinjaAttr(attr: string): unknown {
    switch (attr) {
      case 'schema':
        return this.schema;
      case 'identifier':
      case 'name':
      case 'table':
        return this.identifier;
      case 'database':
        return this.database;
      case 'path':
        return newDict([['database', this.database], ['schema', this.schema], ['identifier', this.identifier]]);
      case 'render':
        return new Callable('render', () => this.rendered);
      case 'include':
      case 'quote':
        return new Callable(attr, () => this);
      case 'metadata':
        return newDict([['type', 'DuckDBRelation']]);
      case 'type':
        return 'table';
      case 'is_table':
        return true;
      case 'is_view':
        return false;
      case 'get':
        return new Callable('get', ([key, fallback]) => {
          const value = typeof key === 'string' ? this.jinjaAttr(key) : undefined;
          return value === undefined || value instanceof Undefined ? (fallback ?? null) : value;
        });
    }
    return new Undefined(attr);
  }

  toString(): string {
    return this.rendered;
  }

  render(): string {
    return this.rendered;
  }
}
