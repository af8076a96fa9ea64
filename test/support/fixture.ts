// Inline multi-file fixtures (STYLE.md §9): `//- /path` starts a file, `$0` marks the cursor.
// Turns one string into an in-memory project so a test reads as the workspace it checks.
import { MemoryFileSystem } from '../../runtime/project/fs.js';

export interface Fixture {
  fs: MemoryFileSystem;
  /** Absolute project root the files live under (default '/project'). */
  root: string;
  /** Project-relative path → text, with the cursor marker removed. */
  files: Record<string, string>;
  /** Where `$0` was: project-relative file and UTF-16 offset in its text. */
  cursor?: { file: string; offset: number };
}

const CURSOR = '$0';

/**
 * Parses a fixture. Text before the first `//- /path` line is ignored, so template literals may
 * start with a newline; common indentation is removed so fixtures can be indented in test code.
 * A file's text ends with a newline unless it is empty.
 */
export function fixture(text: string, root = '/project'): Fixture {
  const files: Record<string, string> = {};
  let cursor: Fixture['cursor'];
  let current: string | undefined;
  let lines: string[] = [];
  const flush = (): void => {
    if (current === undefined) return;
    let body = lines.join('\n').replace(/\n*$/, '');
    if (body !== '') body += '\n';
    const at = body.indexOf(CURSOR);
    if (at >= 0) {
      if (cursor) throw new Error(`fixture has more than one ${CURSOR} marker`);
      cursor = { file: current, offset: at };
      body = body.slice(0, at) + body.slice(at + CURSOR.length);
    }
    files[current] = body;
  };
  for (const line of dedent(text).split('\n')) {
    const header = /^\/\/- (\/\S+)\s*$/.exec(line);
    if (header) {
      flush();
      current = header[1].replace(/^\/+/, '');
      lines = [];
    } else {
      lines.push(line);
    }
  }
  flush();
  const fs = new MemoryFileSystem();
  const base = root.replace(/\/$/, '');
  for (const [file, body] of Object.entries(files)) fs.write(`${base}/${file}`, body);
  return { fs, root: base, files, cursor };
}

/** Removes the indentation shared by every non-blank line. */
function dedent(text: string): string {
  const lines = text.split('\n');
  let indent = Infinity;
  for (const line of lines) {
    if (line.trim() === '') continue;
    indent = Math.min(indent, /^[ \t]*/.exec(line)![0].length);
  }
  if (indent === Infinity || indent === 0) return text;
  return lines.map((l) => l.slice(Math.min(indent, /^[ \t]*/.exec(l)![0].length))).join('\n');
}

/** The offset of the first occurrence of `needle` in a fixture file (for expected ranges). */
export function offsetOf(f: Fixture, file: string, needle: string, nth = 0): number {
  const text = f.files[file];
  if (text === undefined) throw new Error(`fixture has no file ${file}`);
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`'${needle}' (#${nth}) not found in ${file}`);
  }
  return at;
}

/** The range { start, end } of `needle` in a fixture file. */
export function rangeOf(f: Fixture, file: string, needle: string, nth = 0): { start: number; end: number } {
  const start = offsetOf(f, file, needle, nth);
  return { start, end: start + needle.length };
}
