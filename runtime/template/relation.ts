// A relation as dbt exposes it in Jinja: prints as "schema"."name", with its parts as attributes.
import { Callable, newDict, Undefined, type JinjaObject } from './jinja/values.js';

export class Relation implements JinjaObject {
  constructor(
    readonly schema: string,
    readonly identifier: string,
    private readonly rendered: string,
    readonly database = 'memory',
  ) {}

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
