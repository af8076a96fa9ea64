// Failing-rows queries for dbt's generic tests (unique, not_null, accepted_values, relationships):
// a test passes when its query returns no rows.
import { relationshipTarget } from '../project/link.js';
import type { Diagnostic, Project, TestNode } from '../project/types.js';

export interface TestSql {
  sql: string;
  diagnostics: Diagnostic[];
  /** Ephemeral model ids the query reads through their CTE names. */
  ephemerals: string[];
}

export function genericTestSql(project: Project, test: TestNode): TestSql {
  const spec = test.spec!;
  const diagnostics: Diagnostic[] = [];
  const ephemerals: string[] = [];
  const fail = (message: string): TestSql => {
    diagnostics.push({ file: spec.location.file, range: spec.location.range, severity: 'error', message, code: 'bad-test' });
    return { sql: '', diagnostics, ephemerals };
  };
  const relation = (id: string | undefined): string | undefined => {
    if (!id) return undefined;
    const [kind, ...rest] = id.split('.');
    if (kind === 'model') {
      const m = project.models.get(rest.join('.'));
      if (m?.config.materialized === 'ephemeral') {
        ephemerals.push(m.id);
        return `__dbt__cte__${m.name}`;
      }
      return m?.relation;
    }
    if (kind === 'seed') return project.seeds.get(rest.join('.'))?.relation;
    return project.sources.get(rest.join('.'))?.relation;
  };
  const target = relation(test.attachedTo);
  if (!target) return fail(`The test's model '${test.attachedTo ?? '?'}' does not exist`);
  const from = spec.where ? `(select * from ${target} where ${spec.where})` : target;
  const columnName = spec.column ?? (typeof spec.args.column_name === 'string' ? spec.args.column_name : undefined);
  const col = columnName === undefined ? undefined : ident(columnName);
  switch (spec.name) {
    case 'not_null':
      if (!col) return fail('not_null needs a column');
      return { sql: `select *\nfrom ${from}\nwhere ${col} is null`, diagnostics, ephemerals };
    case 'unique':
      if (!col) return fail('unique needs a column');
      return {
        sql: `select ${col} as unique_field, count(*) as n_records\nfrom ${from}\nwhere ${col} is not null\ngroup by ${col}\nhaving count(*) > 1`,
        diagnostics,
        ephemerals,
      };
    case 'accepted_values': {
      if (!col || !Array.isArray(spec.args.values)) return fail("accepted_values needs a column and 'values:'");
      const quote = spec.args.quote !== false;
      const values = spec.args.values.map((v) => (quote && typeof v === 'string' ? literal(v) : String(v))).join(', ');
      return {
        sql: `select ${col} as value_field, count(*) as n_records\nfrom ${from}\nwhere ${col} is not null and ${col} not in (${values})\ngroup by ${col}`,
        diagnostics,
        ephemerals,
      };
    }
    case 'relationships': {
      const parent = relation(typeof spec.args.to === 'string' ? relationshipTarget(project, spec.args.to) : undefined);
      const field = typeof spec.args.field === 'string' ? ident(spec.args.field) : undefined;
      if (!col || !parent || !field) return fail(`relationships: '${String(spec.args.to)}' does not name a model, seed or source`);
      return {
        sql: `select child.${col} as from_field\nfrom ${from} as child\nleft join ${parent} as parent on child.${col} = parent.${field}\nwhere child.${col} is not null and parent.${field} is null`,
        diagnostics,
        ephemerals,
      };
    }
    default:
      diagnostics.push({ file: spec.location.file, range: spec.location.range, severity: 'warning', message: `Generic test '${spec.name}' is not supported; it is skipped`, code: 'unsupported-test' });
      return { sql: '', diagnostics, ephemerals };
  }
}

/** A column name as SQL: bare when it is a plain identifier, quoted otherwise. */
function ident(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
