// Trino's SQL for dbt's cross-database macros where it differs from DuckDB's (dbtMacros.ts): what
// adapter.dispatch finds as `trino__<name>` in the `dbt` namespace on a Trino target. Written from
// Trino's function reference, so that a model gives the same rows on either engine: date parts come
// first in date_add/date_diff, md5 hashes varbinary, there is no right() and no make_date().
import { callables, macro, omitted, s, type Definitions } from './dbtMacros.js';
import type { Callable } from './jinja/values.js';

/** The date part as a lower-case SQL string literal's content. */
const part = (v: unknown): string => s(v).toLowerCase().replace(/'/g, '');

/**
 * DuckDB's date_diff counts the part's boundaries crossed (a week is seven days of day boundaries);
 * Trino's counts whole parts elapsed. Truncating both ends to the part first gives DuckDB's count.
 */
function boundaries(unit: string, first: string, second: string): string {
  if (unit === 'millisecond' || unit === 'microsecond') return `date_diff('millisecond', cast(${first} as timestamp), cast(${second} as timestamp))`;
  const trunc = unit === 'week' ? 'day' : unit;
  const at = (e: string): string => `date_trunc('${trunc}', cast(${e} as timestamp))`;
  return `date_diff('${unit}', ${at(first)}, ${at(second)})`;
}

/** An aggregate's values in order, without nulls (string_agg skips them), as a Trino array. */
function orderedValues(measure: string, orderBy: unknown): string {
  const order = omitted(orderBy) ? '' : ` ${s(orderBy)}`;
  return `array_agg(${measure}${order}) filter (where ${measure} is not null)`;
}

const TRINO: Definitions = {
  hash: macro(['field'], (a) => `lower(to_hex(md5(to_utf8(cast(${s(a.field)} as varchar)))))`),
  any_value: macro(['expression'], (a) => `arbitrary(${s(a.expression)})`),
  dateadd: macro(['datepart', 'interval', 'from_date_or_timestamp'], (a) => `date_add('${part(a.datepart)}', ${s(a.interval)}, ${s(a.from_date_or_timestamp)})`),
  datediff: macro(['first_date', 'second_date', 'datepart'], (a) => boundaries(part(a.datepart), s(a.first_date), s(a.second_date))),
  current_timestamp: macro([], () => 'current_timestamp'),
  // Trino's split_part counts from 1 only; element_at also counts from the end for a negative index.
  split_part: macro(['string_text', 'delimiter_text', 'part_number'], (a) =>
    /^\s*-/.test(s(a.part_number))
      ? `element_at(split(${s(a.string_text)}, ${s(a.delimiter_text)}), ${s(a.part_number)})`
      : `split_part(${s(a.string_text)}, ${s(a.delimiter_text)}, ${s(a.part_number)})`,
  ),
  right: macro(['string_text', 'length_expression'], (a) => `substr(${s(a.string_text)}, greatest(length(${s(a.string_text)}) - (${s(a.length_expression)}) + 1, 1))`),
  type_float: macro([], () => 'double'),
  type_numeric: macro([], () => 'decimal(28,6)'),
  last_day: macro(['date', 'datepart'], (a) => `cast(date_add('day', -1, date_add('${part(a.datepart)}', 1, date_trunc('${part(a.datepart)}', ${s(a.date)}))) as date)`),
  listagg: macro(['measure', 'delimiter_text', 'order_by_clause', 'limit_num'], (a) => {
    const delimiter = omitted(a.delimiter_text) ? "','" : s(a.delimiter_text);
    const values = orderedValues(s(a.measure), a.order_by_clause);
    return `array_join(${omitted(a.limit_num) ? values : `slice(${values}, 1, ${s(a.limit_num)})`}, ${delimiter})`;
  }),
  date: macro(['year', 'month', 'day'], (a) => {
    const [y, m, d] = [a.year, a.month, a.day];
    if ([y, m, d].every((n) => typeof n === 'number' && Number.isInteger(n))) {
      return `date '${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}'`;
    }
    return `date(format('%04d-%02d-%02d', ${s(y)}, ${s(m)}, ${s(d)}))`;
  }),
  array_construct: macro(['inputs', 'data_type'], (a) => `array[${(Array.isArray(a.inputs) ? a.inputs : []).map((x) => s(x)).join(', ')}]`),
  array_append: macro(['array', 'new_element'], (a) => `concat(${s(a.array)}, array[${s(a.new_element)}])`),
  array_concat: macro(['array_1', 'array_2'], (a) => `concat(${s(a.array_1)}, ${s(a.array_2)})`),
};

/** The `trino__` versions by macro name; the others are the default (DuckDB's SQL is standard there). */
export const TRINO_MACROS: ReadonlyMap<string, Callable> = callables(TRINO);
