// What Trino would refuse in models written for DuckDB, found before anything runs, at the place in
// the model's source: a static check of the compiled SQL against a small table of DuckDB-only syntax
// and functions that Trino certainly rejects (no cluster needed), and, given a session on a Trino
// cluster, the cluster's own verdict (EXPLAIN (TYPE VALIDATE)). Used by `medallion compile` on a Trino
// target and by the editor's "Validate on Trino".
import type { EngineSession } from '../engine/adapter.js';
import { TrinoError } from '../engine/trino.js';
import type { CompiledNode, Diagnostic } from '../project/types.js';
import { mapRange } from '../template/offsetMap.js';

/** One DuckDB-only construct in compiled SQL: where it is (compiled offsets) and what to write instead. */
export interface DialectProblem {
  start: number;
  end: number;
  message: string;
}

export interface TrinoValidateOptions {
  /** The node's source file (a model's or a singular test's), where the diagnostics go. */
  file: string;
  /**
   * A session on the Trino cluster (the project's Trino target). When given and the static check
   * passes, the cluster validates the SQL too: EXPLAIN (TYPE VALIDATE) parses, resolves and
   * type-checks it without reading data. Without it only the static check runs.
   */
  session?: EngineSession;
}

/** The diagnostics code of a problem the static check found; the cluster's are 'trino-validate'. */
export const DIALECT_CODE = 'trino-dialect';

/**
 * Validates one compiled model (or singular test) for a Trino target: what Trino would refuse, as
 * error diagnostics in `options.file` at the template ranges the node's offset map gives. `compiled`
 * is the node as rendered for the Trino target (so dispatched macros gave Trino's SQL); a node that
 * failed to compile gives nothing more. Errors other than Trino's refusal (the coordinator went
 * away) propagate: they say nothing about the model.
 */
export async function validateForTrino(compiled: CompiledNode, options: TrinoValidateOptions): Promise<Diagnostic[]> {
  if (compiled.diagnostics.some((d) => d.severity === 'error')) return [];
  const at = (p: DialectProblem, code: string, severity: Diagnostic['severity'] = 'error'): Diagnostic => ({ file: options.file, range: mapRange(compiled.map, p), severity, message: p.message, code });
  const found = duckdbOnlySyntax(compiled.sql);
  if (found.length > 0 || !options.session) return found.map((p) => at(p, DIALECT_CODE));
  const refused = await validateOnCluster(options.session, compiled.sql);
  if (!refused) return [];
  // A relation the cluster does not have yet (upstream not built on Trino) says nothing of the SQL.
  return [refused.missingRelation ? at({ ...refused, message: `${refused.message} (not validated on the cluster: build what it reads on Trino first)` }, 'trino-unvalidated', 'warning') : at(refused, 'trino-validate')];
}

/** Trino's errors for a relation or schema it does not have. */
const MISSING = new Set(['TABLE_NOT_FOUND', 'SCHEMA_NOT_FOUND', 'CATALOG_NOT_FOUND']);

/**
 * The cluster's verdict on one query: undefined when Trino accepts it, else Trino's message at the
 * offset its line and column point to (`missingRelation` when what it refused is a relation it lacks).
 */
export async function validateOnCluster(session: EngineSession, sql: string): Promise<(DialectProblem & { missingRelation: boolean }) | undefined> {
  const lead = 'EXPLAIN (TYPE VALIDATE)\n';
  try {
    await session.query(lead + sql);
    return undefined;
  } catch (err) {
    if (!(err instanceof TrinoError)) throw err;
    const start = err.line === undefined ? 0 : offsetAt(sql, err.line - 1, err.column ?? 1);
    return { start, end: start, message: `Trino: ${err.reason}`, missingRelation: MISSING.has(err.errorName) };
  }
}

/** The offset of a 1-based line and column in `text` (clamped to the text). */
export function offsetAt(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  const end = text.indexOf('\n', offset);
  return Math.min(offset + Math.max(column - 1, 0), end < 0 ? text.length : end);
}

/**
 * DuckDB-only constructs in `sql` that Trino rejects, in text order. Only what Trino certainly refuses
 * is listed (a false alarm would block a model that runs): DuckDB's `::` cast, QUALIFY, type names and
 * functions Trino does not have, unquoted or unit-less interval literals, star modifiers, ...
 */
export function duckdbOnlySyntax(sql: string): DialectProblem[] {
  const masked = maskLiterals(sql);
  const problems: DialectProblem[] = [];
  for (const rule of RULES) {
    for (const m of masked.matchAll(rule.pattern)) {
      const message = rule.check(masked, m);
      if (message !== undefined) problems.push({ start: m.index, end: m.index + m[0].length, message: `Trino: ${message}` });
    }
  }
  return problems.sort((a, b) => a.start - b.start);
}

/** One entry of the table: where to look, and the message for a match (undefined: not a problem after all). */
interface Rule {
  pattern: RegExp;
  check(masked: string, m: RegExpMatchArray & { index: number }): string | undefined;
}

const always = (message: string) => (): string => message;

/** The word (or punctuation) before `at`, lower-cased. */
function previousToken(text: string, at: number): string {
  const m = /([a-z_][a-z0-9_]*|::|\S)\s*$/i.exec(text.slice(Math.max(0, at - 64), at));
  return m ? m[1].toLowerCase() : '';
}

/** The word (or punctuation) from `at` on, lower-cased. */
function nextToken(text: string, at: number): string {
  const m = /^\s*([a-z_][a-z0-9_]*|\S)/i.exec(text.slice(at, at + 64));
  return m ? m[1].toLowerCase() : '';
}

/** A keyword, not a column or alias of that name: not after AS, a dot or a comma, not before a comma or FROM. */
function usedAsKeyword(text: string, m: RegExpMatchArray & { index: number }): boolean {
  const before = previousToken(text, m.index);
  const after = nextToken(text, m.index + m[0].length);
  return !['as', '.', ',', '(', 'select', ''].includes(before) && ![',', ')', '.', ';', '', 'from', 'as', '='].includes(after);
}

/** Top-level arguments of the call whose opening parenthesis ends `m` (0 for `f()`). */
function argumentCount(text: string, open: number): number {
  let depth = 0;
  let commas = 0;
  let empty = true;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return empty ? 0 : commas + 1;
    else if (depth === 1 && c === ',') commas++;
    else if (depth === 1 && !/\s/.test(c)) empty = false;
  }
  return commas + 1;
}

/** DuckDB function names Trino does not have, with what to write on Trino. */
const FUNCTIONS: Record<string, string> = {
  strftime: 'format a timestamp with date_format(ts, format)',
  strptime: 'parse a timestamp with date_parse(text, format)',
  epoch_ms: 'use to_unixtime(ts) (seconds) or from_unixtime(n)',
  epoch_us: 'use to_unixtime(ts) (seconds) or from_unixtime(n)',
  epoch_ns: 'use to_unixtime(ts) (seconds) or from_unixtime(n)',
  today: 'use current_date',
  regexp_matches: 'use regexp_like(text, pattern)',
  regexp_full_match: "use regexp_like(text, '^(...)$')",
  arg_min: 'use min_by(value, key)',
  arg_max: 'use max_by(value, key)',
  argmin: 'use min_by(value, key)',
  argmax: 'use max_by(value, key)',
  string_agg: 'use listagg(x, separator) within group (order by ...), or dbt.listagg',
  group_concat: 'use listagg(x, separator) within group (order by ...), or dbt.listagg',
  array_to_string: 'use array_join(array, separator)',
  list: 'use array_agg(x)',
  make_date: 'use dbt.date(year, month, day), or date(format(...))',
  make_timestamp: 'build the timestamp with date_add from a date',
  make_timestamptz: 'build the timestamp with date_add from a date',
  read_parquet: "read files through a source (Trino reads the lake through its catalog's tables)",
  read_csv: "read files through a source (Trino reads the lake through its catalog's tables)",
  read_csv_auto: "read files through a source (Trino reads the lake through its catalog's tables)",
  read_json: "read files through a source (Trino reads the lake through its catalog's tables)",
  read_json_auto: "read files through a source (Trino reads the lake through its catalog's tables)",
  read_ndjson: "read files through a source (Trino reads the lake through its catalog's tables)",
};

/** Function name prefixes of DuckDB's list and struct families, none of which Trino has. */
const FAMILIES: Array<[RegExp, string]> = [
  [/^list_/, "use Trino's arrays: array[...], cardinality, element_at, transform, filter, array_join"],
  [/^struct_/, 'use row(...), cast to row(name type, ...), and field access with a dot'],
];

/** DuckDB type names Trino does not know. */
const TYPES = 'hugeint|uhugeint|ubigint|uinteger|usmallint|utinyint|timestamptz|blob';

const INTERVAL_UNITS = /^\s*(year|month|day|hour|minute|second)\b/i;

const RULES: Rule[] = [
  { pattern: /::/g, check: always('`::` casts are DuckDB\'s; write cast(x as type)') },
  { pattern: /\bqualify\b/gi, check: (t, m) => (usedAsKeyword(t, m) ? "QUALIFY is DuckDB's; filter on the window function in an outer query (where rn = 1)" : undefined) },
  { pattern: /\bilike\b/gi, check: (t, m) => (usedAsKeyword(t, m) ? 'Trino has no ILIKE; write lower(x) like lower(pattern)' : undefined) },
  {
    pattern: new RegExp(`\\b(${TYPES})\\b`, 'gi'),
    check: (t, m) => {
      const literal = nextToken(t, m.index + m[0].length) === "'";
      const inCast = previousToken(t, m.index) === 'as' && nextToken(t, m.index + m[0].length) === ')';
      if (!literal && !inCast) return undefined;
      return m[1].toLowerCase() === 'timestamptz' ? 'timestamptz is DuckDB\'s type name; write timestamp with time zone (cast(... as timestamp with time zone))' : `${m[1]} is DuckDB's type; Trino's integers are tinyint, smallint, integer, bigint and decimal`;
    },
  },
  { pattern: /\binterval\s+(?=[-+(0-9])/gi, check: always("Trino's interval literals quote the number and name the unit: interval '3' hour (or dbt.dateadd)") },
  {
    pattern: /\binterval\s+'[^']*'/gi,
    check: (t, m) => (INTERVAL_UNITS.test(t.slice(m.index + m[0].length)) ? undefined : "Trino's interval literal names its unit after the quotes: interval '3' hour, not interval '3 hours'"),
  },
  {
    pattern: /\*\s*(exclude|replace)\s*\(/gi,
    check: (t, m) => (['select', ',', '.', 'distinct'].includes(previousToken(t, m.index)) ? `\`* ${m[1].toLowerCase()} (...)\` is DuckDB's; list the columns` : undefined),
  },
  { pattern: /\bdistinct\s+on\s*\(/gi, check: always('DISTINCT ON is not Trino\'s; keep row_number() over (partition by ...) = 1 in an outer query') },
  { pattern: /\b(asof|positional)\s+(?:(?:left|inner)\s+)?join\b/gi, check: (_t, m) => `${m[1].toUpperCase()} JOIN is DuckDB's` },
  { pattern: /->>/g, check: always("->> is DuckDB's JSON operator; write json_extract_scalar(x, '$.path')") },
  {
    pattern: /\b([a-z_][a-z0-9_]*)\s*\(/gi,
    check: (t, m) => {
      const name = m[1].toLowerCase();
      if (previousToken(t, m.index) === '.') return undefined;
      if (name === 'timezone') return argumentCount(t, m.index + m[0].length - 1) === 2 ? "timezone(zone, ts) is DuckDB's; write ts at time zone 'UTC'" : undefined;
      const advice = FUNCTIONS[name] ?? FAMILIES.find(([prefix]) => prefix.test(name))?.[1];
      return advice === undefined ? undefined : `Function '${name}' is DuckDB's; ${advice}`;
    },
  },
];

/**
 * `sql` with the insides of string literals, quoted identifiers and comments blanked out (same
 * length, so offsets hold): what the rules match is SQL, never text inside quotes.
 */
export function maskLiterals(sql: string): string {
  const out = sql.split('');
  const blank = (from: number, to: number): void => {
    for (let i = from; i < to; i++) if (out[i] !== '\n') out[i] = ' ';
  };
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === c && sql[j + 1] !== c)) j += sql[j] === c ? 2 : 1;
      blank(i + 1, j);
      i = j + 1;
    } else if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      blank(i, end < 0 ? sql.length : end);
      i = end < 0 ? sql.length : end;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      blank(i, end < 0 ? sql.length : end + 2);
      i = end < 0 ? sql.length : end + 2;
    } else i++;
  }
  return out.join('');
}
