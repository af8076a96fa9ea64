// Any failing-rows query of a data test becomes a count, as dbt's get_test_sql does. The failing-rows
// queries of generic tests are built by the compiler (runtime/compile/tests.ts).
import { toSubquery } from '../preview.js';

/** dbt's test thresholds: what counts as failures (fail_calc) and when they warn or fail. */
export interface TestThresholds {
  failCalc: string;
  warnIf: string;
  errorIf: string;
  limit?: number;
}

/** The thresholds of a test's config, with dbt's defaults (count(*), != 0, != 0). */
export function thresholdsOf(config: Record<string, unknown>): TestThresholds {
  const text = (v: unknown, fallback: string): string => (typeof v === 'string' && v.trim() !== '' ? v.trim() : fallback);
  const limit = typeof config.limit === 'number' && config.limit >= 0 ? Math.floor(config.limit) : undefined;
  return { failCalc: text(config.fail_calc, 'count(*)'), warnIf: text(config.warn_if, '!= 0'), errorIf: text(config.error_if, '!= 0'), ...(limit === undefined ? {} : { limit }) };
}

/** The query counting a failing-rows query's failures and judging them (as dbt's get_test_sql does). */
export function failureCountSql(failingSql: string, t: TestThresholds = thresholdsOf({})): string {
  const rows = t.limit === undefined ? failingSql : `select * from ${toSubquery(failingSql, 'dbt_limited')} limit ${t.limit}`;
  return `select ${t.failCalc} as failures, ${t.failCalc} ${t.warnIf} as should_warn, ${t.failCalc} ${t.errorIf} as should_error from ${toSubquery(rows, 'dbt_internal_test')}`;
}
