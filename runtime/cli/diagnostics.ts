// Prints core diagnostics the way compilers do, `file:line:col: severity: message`, so terminals
// and editors can jump to them. Offsets become 1-based lines and UTF-16 columns only here, at the edge.
import * as path from 'node:path';
import type { FileSystem } from '../project/fs.js';
import type { Diagnostic } from '../project/types.js';

/** 1-based line and column of a UTF-16 offset in `text` (offsets past the end clamp to it). */
export function lineCol(text: string, offset: number): { line: number; col: number } {
  const end = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, col: end - lineStart + 1 };
}

/** One diagnostic as a line; without the file's text the position is left out. */
export function formatDiagnostic(d: Diagnostic, text: string | undefined): string {
  if (!d.file) return `${d.severity}: ${d.message}`;
  if (text === undefined) return `${d.file}: ${d.severity}: ${d.message}`;
  const { line, col } = lineCol(text, d.range.start);
  return `${d.file}:${line}:${col}: ${d.severity}: ${d.message}`;
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2, hint: 3 };

/**
 * Formats diagnostics sorted by file and position, reading each file once through `fs`.
 * Paths are shown relative to `displayRoot` (the project folder as the user named it).
 */
export async function formatDiagnostics(fs: FileSystem, root: string, diagnostics: Diagnostic[], displayRoot = ''): Promise<string[]> {
  const texts = new Map<string, string | undefined>();
  for (const file of new Set(diagnostics.map((d) => d.file).filter((f) => f !== ''))) texts.set(file, await fs.readFile(`${root}/${file}`));
  const sorted = [...diagnostics].sort(
    (a, b) => a.file.localeCompare(b.file) || a.range.start - b.range.start || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.message.localeCompare(b.message),
  );
  const seen = new Set<string>();
  const out: string[] = [];
  for (const d of sorted) {
    const shown = d.file && displayRoot ? { ...d, file: path.posix.join(displayRoot, d.file) } : d;
    const line = formatDiagnostic(shown, texts.get(d.file));
    // The same problem can reach us twice (e.g. a bad ref seen by the loader and the compiler).
    if (!seen.has(line)) out.push(line);
    seen.add(line);
  }
  return out;
}

export function countErrors(diagnostics: Diagnostic[]): number {
  return diagnostics.filter((d) => d.severity === 'error').length;
}
