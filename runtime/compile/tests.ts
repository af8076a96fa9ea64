// Failing-rows queries for dbt's generic tests (unique, not_null, accepted_values, relationships),
// with the SQL of dbt's default__test_* macros, and which tests are the project's own `{% test %}`
// blocks (rendered by the compiler). A test passes when its query returns no rows.
import { didYouMean, suggest } from '../project/config.js';
import { externalRead } from '../project/externalLocation.js';
import { namespaceMacros, relationshipTarget } from '../project/link.js';
import type { Diagnostic, MacroDef, Project, TestNode, TestSpec } from '../project/types.js';

export const GENERIC_TESTS = ['unique', 'not_null', 'accepted_values', 'relationships'] as const;

/**
 * The project macro a generic test calls: `test_<name>`, from a `{% test name %}` block (or an old-style
 * `{% macro test_name %}`). As in dbt, it wins over a built-in test of the same name.
 */
export function testMacro(project: Project, name: string): MacroDef | undefined {
  const dot = name.indexOf('.');
  // `dbt_utils.accepted_range`: the package's {% test accepted_range %}.
  if (dot >= 0) return namespaceMacros(project, name.slice(0, dot))?.get(`test_${name.slice(dot + 1)}`);
  // Unqualified, as dbt resolves macros: the project's own, then an installed package's.
  const own = project.macros.get(`test_${name}`);
  if (own) return own;
  for (const macros of project.packageMacros.values()) {
    const found = macros.get(`test_${name}`);
    if (found) return found;
  }
  return undefined;
}

/** The generic test names a schema YAML can use: the built-ins, the project's own and installed packages' (`pkg.name`). */
export function genericTestNames(project: Project): string[] {
  const tests = (macros: Iterable<string>): string[] => [...macros].filter((m) => m.startsWith('test_') && m.length > 5).map((m) => m.slice(5));
  const fromPackages = [...project.packageMacros].flatMap(([pkg, macros]) => tests(macros.keys()).map((t) => `${pkg}.${t}`));
  return [...new Set([...GENERIC_TESTS, ...tests(project.macros.keys()), ...fromPackages])];
}

/** Whether this file generates the test's SQL: a built-in test the project does not override. */
export function isBuiltinTest(project: Project, name: string): boolean {
  return (GENERIC_TESTS as readonly string[]).includes(name) && testMacro(project, name) === undefined;
}

/** The error for a test name that is neither built in nor a `{% test %}` block, with a "did you mean". */
export function unknownTestDiagnostic(project: Project, spec: TestSpec): Diagnostic {
  const dot = spec.name.indexOf('.');
  const pkg = dot < 0 ? undefined : spec.name.slice(0, dot);
  const installed = pkg !== undefined && namespaceMacros(project, pkg) !== undefined;
  const s = pkg === undefined || installed ? suggest(spec.name, genericTestNames(project)) : undefined;
  const hint =
    pkg !== undefined && !installed
      ? `: the package '${pkg}' is not installed (nothing in ${project.config.packagesInstallPath}/ is named '${pkg}'): run \`dbt deps\` to install the project's packages`
      : pkg !== undefined && !s
        ? `: the package '${pkg}' has no {% test ${spec.name.slice(dot + 1)} %}`
        : s
        ? didYouMean(s)
        : `: it is not built in and no {% test ${spec.name}(model, column_name) %} block defines it (macros/ or tests/generic/)`;
  return {
    file: spec.location.file,
    range: spec.location.range,
    severity: 'error',
    message: `Unknown generic test '${spec.name}'${hint}`,
    code: 'unknown-test',
    data: s ? { suggestion: s } : undefined,
  };
}

/** dbt's get_where_subquery: a test's `where` config filters what the test sees as its model. */
export function whereSubquery(model: string, spec: TestSpec): string {
  return spec.where?.trim() ? `(select * from ${model} where ${spec.where}) dbt_subquery` : model;
}

export type GenericTestSql = { sql: string } | { error: string };

/**
 * The failing-rows query of a generic test. `model` is what the test runs on: a relation
 * ("schema"."name") or a parenthesized subquery with an alias. `resolve` turns the `to:` of
 * `relationships` (`ref('customers')`, `source('s', 't')`) into a relation, or undefined when it names nothing known.
 */
export function genericTestSql(spec: TestSpec, model: string, resolve: (to: string) => string | undefined): GenericTestSql {
  const args = spec.args;
  const column = spec.column ?? (typeof args.column_name === 'string' ? args.column_name : undefined);
  const on = whereSubquery(model, spec);
  const needColumn = (): string | undefined => (column === undefined ? `'${spec.name}' needs a column` : undefined);
  switch (spec.name) {
    case 'unique': {
      const missing = needColumn();
      if (missing) return { error: missing };
      return {
        sql: `select ${column} as unique_field, count(*) as n_records\nfrom ${on}\nwhere ${column} is not null\ngroup by ${column}\nhaving count(*) > 1`,
      };
    }
    case 'not_null': {
      const missing = needColumn();
      if (missing) return { error: missing };
      return { sql: `select *\nfrom ${on}\nwhere ${column} is null` };
    }
    case 'accepted_values': {
      const missing = needColumn();
      if (missing) return { error: missing };
      const values = args.values;
      if (!Array.isArray(values) || values.length === 0) return { error: `'accepted_values' needs a non-empty list 'values'` };
      const quote = args.quote === undefined ? true : args.quote !== false;
      const list = values.map((v) => (quote ? `'${String(v).replace(/'/g, "''")}'` : String(v))).join(', ');
      return {
        sql:
          `with all_values as (\n  select ${column} as value_field, count(*) as n_records\n  from ${on}\n  group by ${column}\n)\n` +
          `select *\nfrom all_values\nwhere value_field not in (${list})`,
      };
    }
    case 'relationships': {
      const missing = needColumn();
      if (missing) return { error: missing };
      if (typeof args.to !== 'string' || typeof args.field !== 'string') return { error: `'relationships' needs 'to' (e.g. ref('customers')) and 'field'` };
      const parent = resolve(args.to);
      if (parent === undefined) return { error: `'relationships' points at ${args.to}, which is not in the project` };
      return {
        sql:
          `with child as (\n  select ${column} as from_field\n  from ${on}\n  where ${column} is not null\n),\n` +
          `parent as (\n  select ${args.field} as to_field\n  from ${parent}\n)\n` +
          `select from_field\nfrom child\nleft join parent on child.from_field = parent.to_field\nwhere parent.to_field is null`,
      };
    }
    default:
      return { error: `Unknown generic test '${spec.name}': expected one of ${GENERIC_TESTS.join(', ')}` };
  }
}

export interface CompiledTestSql {
  sql: string;
  diagnostics: Diagnostic[];
  /** Ephemeral model ids the query reads through their CTE names. */
  ephemerals: string[];
}

/** A built-in generic test compiled against the project: relations resolved, ephemeral models read as CTEs. */
export function compileGenericTestSql(project: Project, test: TestNode): CompiledTestSql {
  const spec = test.spec!;
  const diagnostics: Diagnostic[] = [];
  const ephemerals: string[] = [];
  const fail = (message: string): CompiledTestSql => {
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
    const source = project.sources.get(rest.join('.'));
    // A dbt-duckdb external source is read where its files are, as source() renders it.
    return source?.external ? externalRead(source.external, project.root) : source?.relation;
  };
  const target = relation(test.attachedTo);
  if (!target) return fail(`The test's model '${test.attachedTo ?? '?'}' does not exist`);
  const built = genericTestSql(spec, target, (to) => relation(relationshipTarget(project, to)));
  return 'error' in built ? fail(built.error) : { sql: built.sql, diagnostics, ephemerals };
}

