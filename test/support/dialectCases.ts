// The static Trino dialect check's cases, shared by its unit test (what it flags, what it lets through)
// and the Trino suite, which proves each claim on a real cluster: Trino refuses every REFUSED query and
// accepts every ACCEPTED one. Each reads the relation `t` that WITH_T defines.

/** A CTE giving `t` in Trino's SQL: x integer, s varchar, ts timestamp, j json. */
export const WITH_T = "with t as (select 1 as x, 'a' as s, timestamp '2026-01-01 00:00:00' as ts, json_parse('{\"a\": 1}') as j)";

/** Queries Trino refuses, each with the snippet the static check flags (string contents blanked). */
export const REFUSED: Array<[sql: string, flagged: string]> = [
  ['select x::double from t', '::'],
  ['select * from t qualify row_number() over (partition by x order by ts) = 1', 'qualify'],
  ["select * from t where ts >= timestamptz '2026-01-01 00:00:00+00'", 'timestamptz'],
  ['select cast(x as hugeint) from t', 'hugeint'],
  ["select strftime(ts, '%Y') from t", 'strftime('],
  ["select strptime(s, '%Y') from t", 'strptime('],
  ['select epoch_ms(ts) from t', 'epoch_ms('],
  ['select today()', 'today('],
  ['select list_value(1, 2)', 'list_value('],
  ['select struct_pack(a := 1)', 'struct_pack('],
  ["select regexp_matches(s, 'a') from t", 'regexp_matches('],
  ["select timezone('UTC', ts) from t", 'timezone('],
  ['select arg_min(s, ts) from t', 'arg_min('],
  ['select argmax(s, ts) from t', 'argmax('],
  ["select string_agg(s, ',') from t", 'string_agg('],
  ['select list(x) from t', 'list('],
  ["select array_to_string(array['a'], ',')", 'array_to_string('],
  ['select make_date(2026, 1, 5)', 'make_date('],
  ["select * from read_parquet('x.parquet')", 'read_parquet('],
  ["select ts - interval '3 hours' from t", "interval '       '"],
  ['select ts - interval 3 hour from t', 'interval '],
  ['select ts + interval (x) day from t', 'interval '],
  ['select * exclude (x) from t', '* exclude ('],
  ['select distinct on (x) x, s from t', 'distinct on ('],
  ['select * from t a asof join t b on a.ts >= b.ts', 'asof join'],
  ["select * from t where s ilike 'a%'", 'ilike'],
  ["select j->>'a' from t", '->>'],
];

/** Queries Trino accepts, which the static check must not flag: standard SQL, look-alike names, quotes, comments. */
export const ACCEPTED: string[] = [
  "select cast(x as double), try_cast(s as integer) from t where ts >= timestamp '2026-01-01 00:00:00'",
  "select ts - interval '3' hour, ts + interval '1' day, interval '1-2' year to month from t",
  'select count(*) filter (where x > 0) as c, count(distinct x) filter (where x > 0) as d from t',
  "select timezone(current_timestamp), timezone(ts at time zone 'UTC') from t",
  'select qualify, ilike from (select 1 as qualify, 2 as ilike) q where qualify = 1 order by ilike',
  'select t.x as list, x as timestamptz, s as qualify from t',
  "select '::' as a, 'qualify x' as q, \"s\" from t -- x::int, string_agg(\n/* qualify list_value(1) */",
  "select min_by(s, ts), max_by(s, ts), listagg(s, ',') within group (order by s) from t",
  "select x * x, date_diff('second', ts, ts) from t",
  "select array_join(array_agg(s), ',') from t",
  "select cast(ts at time zone 'UTC' as date), lower(s) from t where s like 'a%' and s not like '%::%'",
];
