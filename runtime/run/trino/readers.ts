// How Trino reads a source's files in place, per format: an external table over the source's folder
// (JSON lines as one text column, CSV as text columns, Parquet as the file's own columns), and per
// record its file, its original text, each declared column's raw text, and why it does not parse.
import picomatch from 'picomatch';
import { csvDialect } from '../csvDialect.js';
import { ident, literal, literalList } from '../../engine/sql.js';
import { openMemory } from '../../engine/duckdb.js';
import type { Lake, LakeObject } from '../../lake/lake.js';
import type { ColumnSpec, SourceTable } from '../../project/types.js';
import { SourceError } from '../bronze.js';
import { trinoTypeOf } from './table.js';

export interface TrinoReader {
  /** The external table's columns and its format properties (without external_location). */
  columns: string;
  properties: string;
  /**
   * From the external table `raw`, the rows whose file `matches`: __file, __record (the original text),
   * __bad (why the record does not parse, or NULL) and r_<column> (its text) per declared column.
   */
  select(raw: string, matches: string): string;
  /** A rejected value as the reason shows it (JSON text for JSON records, as DuckDB's loader does). */
  shown(c: ColumnSpec): string;
}

/** The folder Trino's external table reads, and a regular expression over lake keys for the files the source's path names. */
export function sourceFiles(path: string, objects: LakeObject[]): { folder: string; pattern: string } {
  const clean = path.replace(/^\.?\//, '').replace(/\/+$/, '');
  const firstGlob = clean.search(/[*?[{]/);
  if (firstGlob >= 0) return { folder: clean.slice(0, clean.lastIndexOf('/', firstGlob) + 1), pattern: picomatch.makeRe(clean).source };
  // No glob: a file, or a folder and everything under it (matchingObjects' rule).
  const escaped = clean.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const isFolder = objects.some((o) => o.key.startsWith(`${clean}/`));
  return { folder: isFolder ? `${clean}/` : clean.replace(/[^/]*$/, ''), pattern: `^${escaped}(?:/.*)?$` };
}

export async function readerFor(lake: Lake, source: SourceTable, objects: LakeObject[]): Promise<TrinoReader> {
  if (source.format === 'csv') return csvReader(source, objects[0] && (await lake.localPath(objects[0])));
  if (source.format === 'parquet') return parquetReader(source, objects[0] && (await lake.localPath(objects[0])));
  return jsonReader(source);
}

function jsonReader(source: SourceTable): TrinoReader {
  const values = source.columns.map((c) => `try(CAST(json_extract(__j, ${literal(jsonPath(c.name))}) AS varchar)) AS ${ident(`r_${c.name}`)}`);
  return {
    // One column per line: no JSON parsing happens in the reader, so a malformed line is a row too.
    columns: 'line varchar',
    properties: "format = 'TEXTFILE'",
    select: (raw, matches) =>
      `SELECT __file, __record, __j, CASE WHEN __j IS NULL THEN 'malformed JSON' END AS __bad, ${values.join(', ')}
       FROM (SELECT "$path" AS __file, line AS __record, try(json_parse(line)) AS __j FROM ${raw} WHERE ${matches} AND trim(line) <> '') src`,
    shown: (c) => `substr(json_format(json_extract(__j, ${literal(jsonPath(c.name))})), 1, 200)`,
  };
}

/** CSV as Hive's CSV format reads it (every column text, '' for an empty field); the dialect is decided as on DuckDB (csvDialect.ts). */
async function csvReader(source: SourceTable, first: string | undefined): Promise<TrinoReader> {
  const d = first ? await csvDialect(first, source.options) : undefined;
  const names = d?.names.length ? d.names : source.columns.map((c) => c.name);
  const skip = d ? d.skip + (d.header ? 1 : 0) : 1;
  const props = [`format = 'CSV'`, `skip_header_line_count = ${skip}`, `csv_separator = ${literal(d?.delim ?? ',')}`, `csv_quote = ${literal(d?.quote || '"')}`];
  if (d && d.escape && d.escape !== d.quote) props.push(`csv_escape = ${literal(d.escape)}`);
  return fileReader(source, names.map((n) => ({ name: n, type: 'varchar' })), props.join(', '), (n) => `nullif(src.${ident(n)}, '')`);
}

/** Parquet through the declared columns the files have, in their own types (from the first file's footer), cast to text for the contract. */
async function parquetReader(source: SourceTable, first: string | undefined): Promise<TrinoReader> {
  let columns: Array<{ name: string; type: string }> = [];
  if (first) {
    const duck = await openMemory();
    try {
      const declared = new Set(source.columns.map((c) => c.name.toLowerCase()));
      const file = await duck.describe(`SELECT * FROM read_parquet(${literalList([first])})`);
      columns = file.filter((c) => declared.has(c.name.toLowerCase())).map((c) => ({ name: c.name, type: trinoTypeOf(c.type, `${source.table}.${c.name}`) }));
    } catch (err) {
      throw new SourceError(`The source ${source.source}.${source.table}: ${err instanceof Error ? err.message : String(err)}`, source.location);
    } finally {
      duck.close();
    }
  }
  return fileReader(source, columns, "format = 'PARQUET'", (n) => `CAST(src.${ident(n)} AS varchar)`);
}

/** A record is a row of the file; a declared column the file lacks is its hive partition value (year=…) when the path has one. */
function fileReader(source: SourceTable, fileColumns: Array<{ name: string; type: string }>, properties: string, text: (name: string) => string): TrinoReader {
  const present = new Map(fileColumns.map((c) => [c.name.toLowerCase(), c.name]));
  const raw = (c: ColumnSpec): string => {
    const name = present.get(c.name.toLowerCase());
    return name !== undefined ? text(name) : `nullif(regexp_extract(src."$path", ${literal(`/${c.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}=([^/]*)/`)}, 1), '')`;
  };
  const values = source.columns.map((c) => `${raw(c)} AS ${ident(`r_${c.name}`)}`);
  const fields = fileColumns.map((c) => `${ident(c.name)} varchar`).join(', ');
  const record = fileColumns.length ? `json_format(CAST(CAST(ROW(${fileColumns.map((c) => text(c.name)).join(', ')}) AS ROW(${fields})) AS JSON))` : "'{}'";
  return {
    columns: fileColumns.length ? fileColumns.map((c) => `${ident(c.name)} ${c.type}`).join(', ') : '"__none" varchar',
    properties,
    select: (table, matches) => `SELECT src."$path" AS __file, ${record} AS __record, CAST(NULL AS varchar) AS __bad, ${values.join(', ')} FROM ${table} src WHERE ${matches}`,
    shown: (c) => `substr(${ident(`r_${c.name}`)}, 1, 200)`,
  };
}

function jsonPath(name: string): string {
  return `$["${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"]`;
}
