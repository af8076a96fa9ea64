// The `dbt` namespace of cross-database macros (dbt.concat, dbt.hash, dbt.safe_cast, ...) with
// DuckDB's SQL, as dbt-core and dbt-duckdb define them: what packages such as dbt_utils call.
// Plain functions of their arguments (positional or keyword, by dbt's parameter names).
import { Callable, str } from './jinja/values.js';

/** An argument as SQL text ('' when not given). */
export const s = (v: unknown): string => (v === undefined ? '' : str(v));

/** Whether an optional argument was left out (not given, or None). */
export const omitted = (v: unknown): boolean => v === undefined || v === null;

/** A cross-database macro: `names` are dbt's parameter names, bound from positional or keyword arguments. */
export function macro(names: string[], body: (a: Record<string, unknown>) => string): (name: string) => Callable {
  return (name) =>
    new Callable(name, (args, kwargs) => {
      const bound: Record<string, unknown> = {};
      names.forEach((n, i) => (bound[n] = i < args.length ? args[i] : kwargs[n]));
      return body(bound);
    });
}

/** Each macro's definition by name: a factory given the name it is called by. */
export type Definitions = Record<string, (name: string) => Callable>;

const DEFINITIONS: Definitions = {
  concat: macro(['fields'], (a) => `concat(${(Array.isArray(a.fields) ? a.fields : [a.fields]).map((f) => s(f)).join(', ')})`),
  hash: macro(['field'], (a) => `md5(cast(${s(a.field)} as varchar))`),
  safe_cast: macro(['field', 'type'], (a) => `try_cast(${s(a.field)} as ${s(a.type)})`),
  cast_bool_to_text: macro(['field'], (a) => `cast(${s(a.field)} as varchar)`),
  any_value: macro(['expression'], (a) => `any_value(${s(a.expression)})`),
  bool_or: macro(['expression'], (a) => `bool_or(${s(a.expression)})`),
  date_trunc: macro(['datepart', 'date'], (a) => `date_trunc('${s(a.datepart)}', ${s(a.date)})`),
  dateadd: macro(['datepart', 'interval', 'from_date_or_timestamp'], (a) => `date_add(${s(a.from_date_or_timestamp)}, interval (${s(a.interval)}) ${s(a.datepart)})`),
  datediff: macro(['first_date', 'second_date', 'datepart'], (a) => `date_diff('${s(a.datepart)}', ${s(a.first_date)}::timestamp, ${s(a.second_date)}::timestamp)`),
  current_timestamp: macro([], () => 'now()'),
  escape_single_quotes: macro(['expression'], (a) => s(a.expression).replace(/'/g, "''")),
  string_literal: macro(['value'], (a) => `'${s(a.value)}'`),
  split_part: macro(['string_text', 'delimiter_text', 'part_number'], (a) => `split_part(${s(a.string_text)}, ${s(a.delimiter_text)}, ${s(a.part_number)})`),
  replace: macro(['field', 'old_chars', 'new_chars'], (a) => `replace(${s(a.field)}, ${s(a.old_chars)}, ${s(a.new_chars)})`),
  length: macro(['expression'], (a) => `length(${s(a.expression)})`),
  position: macro(['substring_text', 'string_text'], (a) => `position(${s(a.substring_text)} in ${s(a.string_text)})`),
  right: macro(['string_text', 'length_expression'], (a) => `right(${s(a.string_text)}, ${s(a.length_expression)})`),
  except: macro([], () => 'except'),
  intersect: macro([], () => 'intersect'),
  type_string: macro([], () => 'varchar'),
  type_int: macro([], () => 'integer'),
  type_bigint: macro([], () => 'bigint'),
  type_float: macro([], () => 'float'),
  type_numeric: macro([], () => 'numeric(28,6)'),
  type_boolean: macro([], () => 'boolean'),
  type_timestamp: macro([], () => 'timestamp'),
  // DuckDB's interval arithmetic has no quarters: a quarter is three months.
  last_day: macro(['date', 'datepart'], (a) => {
    const part = s(a.datepart).toLowerCase();
    const step = part === 'quarter' ? 'interval 3 month' : `interval 1 ${part}`;
    return `cast(date_trunc('${part}', ${s(a.date)}) + ${step} - interval 1 day as date)`;
  }),
  listagg: macro(['measure', 'delimiter_text', 'order_by_clause', 'limit_num'], (a) => {
    const delimiter = omitted(a.delimiter_text) ? "','" : s(a.delimiter_text);
    const order = omitted(a.order_by_clause) ? '' : ` ${s(a.order_by_clause)}`;
    if (omitted(a.limit_num)) return `string_agg(${s(a.measure)}, ${delimiter}${order})`;
    return `array_to_string(list_slice(list(${s(a.measure)}${order}), 1, ${s(a.limit_num)}), ${delimiter})`;
  }),
  cast: macro(['field', 'type'], (a) => `cast(${s(a.field)} as ${s(a.type)})`),
  date: macro(['year', 'month', 'day'], (a) => `make_date(${s(a.year)}, ${s(a.month)}, ${s(a.day)})`),
  equals: macro(['expr1', 'expr2'], (a) => `((${s(a.expr1)} = ${s(a.expr2)}) or (${s(a.expr1)} is null and ${s(a.expr2)} is null))`),
  array_construct: macro(['inputs', 'data_type'], (a) => `[${(Array.isArray(a.inputs) ? a.inputs : []).map((x) => s(x)).join(', ')}]`),
  array_append: macro(['array', 'new_element'], (a) => `list_append(${s(a.array)}, ${s(a.new_element)})`),
  array_concat: macro(['array_1', 'array_2'], (a) => `list_concat(${s(a.array_1)}, ${s(a.array_2)})`),
};

/** Definitions as callables by name. */
export function callables(definitions: Definitions): ReadonlyMap<string, Callable> {
  return new Map(Object.entries(definitions).map(([name, make]) => [name, make(name)]));
}

/** The `dbt` namespace: each cross-database macro by name, in DuckDB's SQL (the embedded engine's). */
export const DBT_MACROS: ReadonlyMap<string, Callable> = callables(DEFINITIONS);
