// Plain-text renderings of analysis answers, so expectations read like the fixture they test: a range
// is shown by the text it covers, a diagnostic as `file: "covered text": message`.
import type { Diagnostic, Range } from '../../runtime/project/types.js';
import type { Fixture } from './fixture.js';

/** The covered text as a JSON string, or `start-end` when the file's text is not known. */
export function covered(text: string | undefined, range: Range): string {
  return text === undefined ? `${range.start}-${range.end}` : JSON.stringify(text.slice(range.start, range.end));
}

/** A diagnostic as `file: "covered text": message`, so expectations read like the fixture. */
export function describe(f: Fixture, d: Diagnostic): string {
  return `${d.file}: ${covered(f.files[d.file], d.range)}: ${d.message}`;
}

export function describeAll(f: Fixture, diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => describe(f, d));
}

/** `file: "covered text"`; an empty range by its line and column instead, as `file:3:7`. */
export function span(text: string | undefined, file: string, range: Range): string {
  if (text === undefined || range.start !== range.end) return `${file}: ${covered(text, range)}`;
  const before = text.slice(0, range.start).split('\n');
  return `${file}:${before.length}:${before[before.length - 1].length + 1}`;
}

/** The first line of a markdown text, cut to `max` characters. */
export function firstLine(text: string | undefined, max = 72): string {
  const line = (text ?? '').split('\n')[0];
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
