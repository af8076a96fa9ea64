// One `check…(fixture, …, expected)` helper per language feature: opens the fixture as a workspace,
// asks the feature at the `$0` cursor, renders the answer as text and compares it with the inline
// snapshot `expected` (UPDATE_EXPECT=1 rewrites it; see expect.ts). The analysis tests call the
// features only through these helpers, so a feature's signature is followed here, in one place.
import { fixture, type Fixture } from './fixture.js';
import { expectText } from './expect.js';
import { covered, firstLine, span } from './render.js';
import { Workspace, type WorkspaceOptions } from '../../server/src/analysis/workspace.js';
import { complete, type CompletionResult } from '../../server/src/analysis/completion.js';
import { hover } from '../../server/src/analysis/hover.js';
import { definition, references } from '../../server/src/analysis/navigation.js';
import { prepareRename, rename } from '../../server/src/analysis/rename.js';
import { bindFiles, boundDiagnostics, staticDiagnostics } from '../../server/src/analysis/diagnostics.js';
import { quickFixes } from '../../server/src/analysis/quickFix.js';
import type { Diagnostic } from '../../runtime/project/types.js';
import type { FileRange, Hover, QuickFix, Rename } from '../../server/src/analysis/types.js';

export interface Opened {
  ws: Workspace;
  f: Fixture;
  /** The `$0` marker: file and offset. */
  file: string;
  offset: number;
}

export async function open(text: string, options: WorkspaceOptions = {}): Promise<Opened> {
  const f = fixture(text);
  const ws = await Workspace.open(f.fs, f.root, options);
  return { ws, f, file: f.cursor?.file ?? '', offset: f.cursor?.offset ?? 0 };
}

/** A fixture's text, or a workspace opened from one (for tests that edit it before checking). */
export type Source = string | Opened;

export interface CheckOptions {
  /** Model files (or schema files) to bind with DuckDB before asking, as the server does (bindFiles). */
  bind?: string[];
}

/** Opens the source (when text) and binds what the options name. */
export async function prepare(source: Source, options: CheckOptions = {}): Promise<Opened> {
  const opened = typeof source === 'string' ? await open(source) : source;
  if (options.bind) await bindFiles(opened.ws, options.bind);
  return opened;
}

/** A range as the text it covers in the workspace's current text of the file. */
export function where(ws: Workspace, r: FileRange): string {
  return span(ws.snapshot().text(r.file), r.file, r.range);
}

/**
 * Completion at `$0`: one line per item, `label  kind · detail`, its documentation's first line
 * below; past `options.limit` items, how many more there are.
 */
export async function checkCompletion(source: Source, expected: string, options: CheckOptions & { limit?: number } = {}): Promise<CompletionResult> {
  const { ws, file, offset } = await prepare(source, options);
  const result = complete(ws.snapshot(), file, offset);
  const lines = result.incomplete ? ['(incomplete)'] : [];
  const shown = result.items.slice(0, options.limit ?? Infinity);
  for (const c of shown) {
    lines.push(`${c.label}  ${c.kind}${c.detail ? ` · ${c.detail}` : ''}`);
    if (c.documentation) lines.push(`    ${firstLine(c.documentation)}`);
  }
  if (shown.length < result.items.length) lines.push(`… ${result.items.length - shown.length} more`);
  expectText(lines.length ? lines.join('\n') : 'no completions', expected);
  return result;
}

/** Hover at `$0`: the text it covers, then its markdown. */
export async function checkHover(source: Source, expected: string, options: CheckOptions = {}): Promise<Hover | undefined> {
  const { ws, file, offset } = await prepare(source, options);
  const h = await hover(ws.snapshot(), file, offset);
  expectText(h ? `hover ${covered(ws.snapshot().text(file), h.range)}\n${h.markdown}` : 'no hover', expected);
  return h;
}

/** Go to definition at `$0`: each target as `file: "covered text"` (`file:line:col` when empty). */
export async function checkDefinition(source: Source, expected: string, options: CheckOptions = {}): Promise<FileRange[]> {
  const { ws, file, offset } = await prepare(source, options);
  const targets = definition(ws.snapshot(), file, offset);
  expectText(targets.length ? targets.map((t) => where(ws, t)).join('\n') : 'no definition', expected);
  return targets;
}

/** Find references at `$0`, sorted by file and offset. */
export async function checkReferences(source: Source, expected: string, options: CheckOptions & { declaration?: boolean } = {}): Promise<FileRange[]> {
  const { ws, file, offset } = await prepare(source, options);
  const found = references(ws.snapshot(), file, offset, options.declaration ?? false);
  const lines = [...found].sort((a, b) => a.file.localeCompare(b.file) || a.range.start - b.range.start).map((r) => where(ws, r));
  expectText(lines.length ? lines.join('\n') : 'no references', expected);
  return found;
}

/**
 * Rename at `$0` to `newName`: what prepareRename names, then each edit (sorted) and each file move,
 * or why there is none.
 */
export async function checkRename(source: Source, newName: string, expected: string, options: CheckOptions = {}): Promise<Rename | undefined> {
  const { ws, file, offset } = await prepare(source, options);
  const prepared = prepareRename(ws.snapshot(), file, offset);
  const result = rename(ws.snapshot(), file, offset, newName);
  const lines = [prepared ? `rename ${prepared.name} at ${where(ws, { file, range: prepared.range })}` : 'nothing to rename here'];
  if (!result) lines.push('refused');
  const edits = [...(result?.edits ?? [])].sort((a, b) => a.file.localeCompare(b.file) || a.range.start - b.range.start);
  for (const e of edits) lines.push(`${where(ws, e)} → ${e.newText}`);
  for (const m of result?.moves ?? []) lines.push(`move ${m.from} → ${m.to}`);
  expectText(lines.join('\n'), expected);
  return result;
}

/** Every diagnostic of the workspace, static then bound, file by file. */
export function allDiagnostics(opened: Opened): Diagnostic[] {
  const { ws, f } = opened;
  const snap = ws.snapshot();
  const stat = staticDiagnostics(snap);
  const files = [...new Set([...Object.keys(f.files), ...snap.files(), ...stat.keys()])];
  return files.flatMap((file) => [...(stat.get(file) ?? []), ...boundDiagnostics(snap, file)]);
}

/** A diagnostic as `file: "covered text": message [severity code]`. */
export function describeDiagnostic(ws: Workspace, d: Diagnostic): string {
  return `${where(ws, d)}: ${d.message} [${d.severity}${d.code ? ` ${d.code}` : ''}]`;
}

/**
 * Diagnostics after binding `options.bind`: every file's (or those of `options.files`), one a line.
 * Returns them for explicit asserts on what the rendering leaves out (data, exact offsets).
 */
export async function checkDiagnostics(source: Source, expected: string, options: CheckOptions & { files?: string[] } = {}): Promise<Diagnostic[]> {
  const opened = await prepare(source, options);
  const list = allDiagnostics(opened).filter((d) => !options.files || options.files.includes(d.file));
  expectText(list.length ? list.map((d) => describeDiagnostic(opened.ws, d)).join('\n') : 'no diagnostics', expected);
  return list;
}

/**
 * Code actions at `$0`: the quick fixes of the diagnostics whose range holds the cursor, each as its
 * title and the edited file's text after applying it.
 */
export async function checkFix(source: Source, expected: string, options: CheckOptions = {}): Promise<QuickFix[]> {
  const opened = await prepare(source, options);
  const { ws, file, offset } = opened;
  const here = allDiagnostics(opened).filter((d) => d.file === file && d.range.start <= offset && offset <= d.range.end);
  const fixes = here.flatMap((d) => quickFixes(file, d));
  const shown = fixes.map((fix) => {
    const text = ws.snapshot().text(fix.edit.file) ?? '';
    const after = text.slice(0, fix.edit.range.start) + fix.edit.newText + text.slice(fix.edit.range.end);
    return `${fix.title}${fix.preferred ? ' (preferred)' : ''}\n--- ${fix.edit.file}\n${after}`;
  });
  expectText(shown.length ? shown.join('\n') : 'no fix', expected);
  return fixes;
}
