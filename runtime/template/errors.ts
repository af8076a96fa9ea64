// Template errors as diagnostics: on the tag or call that failed in the rendered file, and, for an
// error inside a macro of another file, also at that macro's own line in its file.
import type { Diagnostic, Range } from '../project/types.js';
import type { Span } from './lex.js';
import { JinjaError } from './jinja/values.js';

export interface ErrorContext {
  /** The rendered file and its text. */
  file: string;
  text: string;
  spans: Span[];
  /** The text of another file named in an error's trace (a macro file), for line numbers. */
  textOf(file: string): string | undefined;
  /** Whether `pkg` is an installed package (or the project itself). */
  hasNamespace(pkg: string): boolean;
}

export function errorDiagnostics(err: unknown, ctx: ErrorContext): Diagnostic[] {
  if (!(err instanceof JinjaError)) {
    return [{ file: ctx.file, range: { start: 0, end: 0 }, severity: 'error', message: `internal: render failed: ${String(err)}`, code: 'internal' }];
  }
  const inner = err.trace[0] ?? { file: ctx.file, range: { start: 0, end: 0 } };
  const callSite = [...err.trace].reverse().find((t) => t.file === ctx.file) ?? { file: ctx.file, range: { start: 0, end: 0 } };
  const code = err.kind === 'syntax' ? 'jinja-syntax' : err.kind === 'budget' ? 'render-budget' : 'render-error';
  const undefinedCall = err.undefinedCall && inner.file === ctx.file ? undefinedCallDiagnostic(err.undefinedCall, inner.range, ctx) : undefined;
  if (undefinedCall) return [undefinedCall];
  if (inner.file === ctx.file) {
    const range = err.kind === 'syntax' ? inner.range : enclosingTag(ctx.spans, inner.range);
    return [{ file: ctx.file, range, severity: 'error', message: err.kind === 'syntax' ? `Jinja: ${err.message}` : err.message, code }];
  }
  const macro = err.trace.find((t) => t.macro !== undefined && t.file === ctx.file)?.macro;
  const where = `${inner.file}:${lineCol(ctx.textOf(inner.file), inner.range.start)}`;
  return [
    { file: ctx.file, range: callSite.range, severity: 'error', message: `${err.message} (in macro '${macro ?? '?'}' at ${where})`, code },
    { file: inner.file, range: inner.range, severity: 'error', message: `${err.kind === 'syntax' ? 'Jinja: ' : ''}${err.message} (called from ${ctx.file}:${lineCol(ctx.text, callSite.range.start)})`, code },
  ];
}

/** An error as one line: its message and where it happened (`file:line:col`), for callers without a template range. */
export function describeError(err: unknown, textOf: (file: string) => string | undefined): string {
  if (!(err instanceof JinjaError)) return err instanceof Error ? err.message : String(err);
  const inner = err.trace[0];
  return inner ? `${err.message} (at ${inner.file}:${lineCol(textOf(inner.file), inner.range.start)})` : err.message;
}

/** A call of something undefined: an unknown macro, a package's missing macro, a package not installed. */
function undefinedCallDiagnostic(call: { name: string; object?: string }, range: Range, ctx: ErrorContext): Diagnostic | undefined {
  if (call.object === undefined) {
    return { file: ctx.file, range, severity: 'error', message: `Undefined macro '${call.name}'`, code: 'undefined-macro' };
  }
  const { object: pkg, name } = call;
  const nameStart = ctx.text.lastIndexOf(name, ctx.text.indexOf('(', range.start));
  if (ctx.hasNamespace(pkg)) {
    const at = nameStart >= range.start ? { start: nameStart, end: nameStart + name.length } : range;
    return { file: ctx.file, range: at, severity: 'error', message: `Package '${pkg}' has no macro '${name}'`, code: 'undefined-macro' };
  }
  const pkgRange = { start: range.start, end: range.start + pkg.length };
  return { file: ctx.file, range: pkgRange, severity: 'error', message: `Package '${pkg}' is not installed: run \`dbt deps\` to install the project's packages`, code: 'package-not-installed' };
}

/** The `{{ }}` or `{% %}` tag around a range, so a runtime error underlines the statement that failed. */
function enclosingTag(spans: Span[], range: Range): Range {
  const tag = spans.find((s) => s.start <= range.start && range.end <= s.end);
  return tag ? { start: tag.start, end: tag.end } : range;
}

function lineCol(text: string | undefined, offset: number): string {
  if (text === undefined) return '?';
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return `${line}:${offset - lineStart + 1}`;
}
