// `medallion preview MODEL | --sql "…" [--limit N] [--output table|json|csv]`: the first rows of a
// model, seed or source, or of an ad-hoc query, read from the warehouse opened read-only for the query.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { compileNode } from '../../compile/compile.js';
import type { ColumnInfo, EngineAdapter, JsonValue } from '../../engine/adapter.js';
import { WarehouseLockedError } from '../../engine/duckdb.js';
import { compileSelection } from '../../compile/selection.js';
import { DEFAULT_PREVIEW_LIMIT, openForPreview, openPreviewEngine, previewNode, previewSql, type PreviewFrom, type PreviewResult } from '../../run/preview.js';
import { action, openProject, projectOption, stdio, UserError, type Io, type OpenedProject, type ProjectOptions } from '../context.js';
import { findNode } from '../nodes.js';

export interface PreviewOptions extends ProjectOptions {
  sql?: string;
  limit: number;
  output: 'table' | 'json' | 'csv';
  from: PreviewFrom;
}

export function register(program: Command): void {
  const command = program
    .command('preview')
    .description('show the first rows of a model, seed or source, or of a query (the warehouse is opened read-only, only for the query)')
    .argument('[model]', 'a model, seed or source (source as source_name.table_name)')
    .option('--sql <query>', 'an ad-hoc query to preview instead of a model')
    .option('-n, --limit <rows>', 'rows to show', limitArg, DEFAULT_PREVIEW_LIMIT)
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
    .addOption(
      new Option('--from <what>', "for a model: its built relation, its SQL as compiled now, or 'auto' (the relation when it exists)")
        .choices(['auto', 'relation', 'compiled'])
        .default('auto'),
    );
  projectOption(command);
  command.action(action((model: string | undefined, options: PreviewOptions) => preview(model, options)));
}

function limitArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number >= 0');
  return n;
}

/** Prints the preview; exit 1 when the query fails or the warehouse is held by a writer. */
export async function preview(model: string | undefined, options: PreviewOptions, io: Io = stdio): Promise<number> {
  if ((model === undefined) === (options.sql === undefined)) throw new UserError('give either a model name or --sql "<query>"');
  // An ad-hoc query runs without a project too (on an empty in-memory database).
  let opened: OpenedProject | undefined;
  try {
    opened = await openProject(options, io, { allowErrors: true });
  } catch (err) {
    if (model !== undefined || !(err instanceof UserError)) throw err;
  }
  const node = model === undefined ? undefined : findNode(opened!.graph, model);
  const file = opened && !opened.project.config.trino ? path.resolve(opened.project.root, opened.project.config.warehouse) : undefined;
  let db: EngineAdapter;
  try {
    db = opened ? await openPreviewEngine(opened.project) : await openForPreview(undefined);
  } catch (err) {
    if (err instanceof WarehouseLockedError) throw new UserError(err.message);
    throw err;
  }
  let result: PreviewResult;
  try {
    result = node
      ? await previewNode(db, opened!.graph, node.id, (id, opts) => compileNode(opened!.project, opened!.graph, id, opts), { limit: options.limit, from: options.from })
      : await previewSql(db, selectionSql(opened, options.sql!), { limit: options.limit });
  } catch (err) {
    const hint = file && !existsSync(file) ? ` (there is no warehouse at ${path.relative(io.cwd, file) || file} yet: run \`medallion build\` first)` : '';
    throw new UserError(`${err instanceof Error ? err.message : String(err)}${hint}`);
  } finally {
    db.close();
  }
  for (const line of render(result, options.output)) io.out(line);
  if (options.output === 'table') {
    const more = result.truncated ? ` (the first ${options.limit}; there are more)` : '';
    io.err(`${result.rows.length} row${result.rows.length === 1 ? '' : 's'}${more} in ${Math.round(result.elapsedMs)} ms`);
  }
  return 0;
}

/** The --sql query, its Jinja rendered with the project's refs, sources and macros when there is a project. */
function selectionSql(opened: OpenedProject | undefined, sql: string): string {
  if (!opened) return sql;
  const selection = compileSelection(opened.project, sql);
  if (selection.error) throw new Error(selection.error.message);
  return selection.sql;
}

function render(result: PreviewResult, output: PreviewOptions['output']): string[] {
  if (output === 'json') return [JSON.stringify({ columns: result.columns, rows: result.rows, elapsedMs: result.elapsedMs, truncated: result.truncated }, null, 2)];
  if (output === 'csv') return toCsv(result.columns, result.rows);
  return [formatTable(result.columns, result.rows)];
}

/** An aligned text table; NULL for nulls, long values cut at `maxWidth`. */
export function formatTable(columns: ColumnInfo[], rows: Record<string, JsonValue>[], maxWidth = 40): string {
  const cut = (s: string): string => (s.length > maxWidth ? s.slice(0, maxWidth - 1) + '…' : s);
  const cells = rows.map((row) => columns.map((c) => cut(cellText(row[c.name]))));
  const head = columns.map((c) => cut(c.name));
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const line = (values: string[]): string => values.map((v, i) => v.padEnd(widths[i])).join(' | ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('-+-'), ...cells.map(line)].join('\n');
}

function cellText(value: JsonValue | undefined): string {
  if (value === null || value === undefined) return 'NULL';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function toCsv(columns: ColumnInfo[], rows: Record<string, JsonValue>[]): string[] {
  const field = (value: JsonValue | undefined): string => {
    if (value === null || value === undefined) return '';
    const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [columns.map((c) => field(c.name)), ...rows.map((r) => columns.map((c) => field(r[c.name])))].map((l) => l.join(','));
}
