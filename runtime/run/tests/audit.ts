// dbt's store_failures: a test's failing rows kept in `<target schema>_dbt_test__audit.<test alias>`
// (the schema as generate_schema_name names 'dbt_test__audit', so a project's override applies)
// (a table, or a view with `store_failures_as: view`), replaced on every run, empty when it passes.
// The alias is the test's name, or for a name of 64 characters or more dbt's short form: its first
// 30 identifying characters and the md5 of the whole name.
import { createHash } from 'node:crypto';
import type { EngineSession } from '../../engine/adapter.js';
import { ident, relation } from '../../engine/sql.js';
import { RelationNaming } from '../../project/naming.js';
import type { Project, TestNode } from '../../project/types.js';
import { toSubquery } from '../preview.js';

/** Whether a test's config keeps its failing rows, and as what. */
export function storedAs(config: Record<string, unknown>): 'table' | 'view' | undefined {
  const as = config.store_failures_as;
  if (as === 'table' || as === 'view') return as;
  if (as === 'ephemeral') return undefined;
  return config.store_failures === true ? 'table' : undefined;
}

/** The relation name dbt gives a test's stored failures. */
export function testAlias(project: Project, test: TestNode): string {
  if (test.name.length < 64) return test.name;
  const attached = test.attachedTo ? project.sources.get(test.attachedTo.replace(/^source\./, '')) : undefined;
  const target = attached ? `${attached.source}_${attached.table}` : (test.attachedTo?.split('.').pop() ?? '');
  const identifier = test.spec ? `${attached ? 'source_' : ''}${test.spec.name.replace('.', '_')}_${target}` : test.name;
  return `${identifier.slice(0, 30)}_${createHash('md5').update(test.name).digest('hex')}`;
}

/** Replaces the test's audit relation with its failing rows; returns the relation. */
export async function storeFailures(db: EngineSession, project: Project, test: TestNode, failingSql: string, as: 'table' | 'view'): Promise<string> {
  // dbt names the schema through generate_schema_name with the custom schema 'dbt_test__audit'.
  const naming = new RelationNaming(project, () => {});
  const schema = naming.schema({ name: test.name, resourceType: 'test', file: test.file, config: { schema: 'dbt_test__audit' } });
  const target = relation(schema, testAlias(project, test));
  await db.exec(`create schema if not exists ${ident(schema)}`);
  // A table that was a view before (or the reverse) goes first: DuckDB replaces only its own kind.
  await db.exec(`drop ${as === 'table' ? 'view' : 'table'} if exists ${target}`);
  await db.exec(`create or replace ${as} ${target} as select * from ${toSubquery(failingSql, 'dbt_failures')}`);
  return target;
}
