// Any failing-rows query of a data test becomes a count, as dbt's get_test_sql does. The failing-rows
// queries of generic tests are built by the compiler (runtime/compile/tests.ts).
import { toSubquery } from '../preview.js';

/** The query counting a failing-rows query's rows (as dbt's get_test_sql does). */
export function failureCountSql(failingSql: string): string {
  return `select count(*) as failures from ${toSubquery(failingSql, 'dbt_internal_test')}`;
}
