// A small lexer for Jinja-SQL templates: splits text into literal SQL and Jinja spans, and
// tokenizes each span's expression. Shared by the static scan and the renderer; never throws.
import type { Range } from '../project/types.js';

export type TokenKind = 'name' | 'string' | 'number' | 'op';

export interface Token {
  kind: TokenKind;
  /** Names and ops as written; strings unescaped, without quotes. */
  value: string;
  start: number;
  end: number;
  /** A string that reached the end of its line or tag without its closing quote. */
  unterminated?: boolean;
}

export interface Span {
  kind: 'expr' | 'stmt' | 'comment';
  /** The whole span including its delimiters. */
  start: number;
  end: number;
  /** `{{-` / `{%-`: strips whitespace before the span. */
  trimBefore: boolean;
  /** `-}}` / `-%}`: strips whitespace after the span. */
  trimAfter: boolean;
  /** False when the text ended before the closing delimiter. */
  closed: boolean;
  /** The code between the delimiters and their whitespace-control marks. */
  inner: Range;
  tokens: Token[];
}

export interface Lexed {
  spans: Span[];
  /** Literal text inside `{% raw %}` blocks is kept out of the spans; these are the raw bodies. */
  raw: Range[];
}

const OPENER = /\{[{%#]/g;
const TWO_CHAR_OPS = new Set(['==', '!=', '<=', '>=', '//', '**']);

export function lexTemplate(text: string): Lexed {
  const spans: Span[] = [];
  const raw: Range[] = [];
  OPENER.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = OPENER.exec(text)) !== null) {
    const start = m.index;
    const kind = m[0] === '{{' ? 'expr' : m[0] === '{%' ? 'stmt' : 'comment';
    let pos = start + 2;
    const trimBefore = text[pos] === '-';
    if (text[pos] === '-' || text[pos] === '+') pos++;
    const span: Span = kind === 'comment' ? lexComment(text, start, pos, trimBefore) : lexCode(text, kind, start, pos, trimBefore);
    spans.push(span);
    OPENER.lastIndex = span.end;
    if (span.kind === 'stmt' && span.closed && span.tokens[0]?.value === 'raw' && span.tokens.length === 1) {
      const endRaw = /\{%[-+]?\s*endraw\s*[-+]?%\}/g;
      endRaw.lastIndex = span.end;
      const e = endRaw.exec(text);
      const bodyEnd = e ? e.index : text.length;
      raw.push({ start: span.end, end: bodyEnd });
      OPENER.lastIndex = bodyEnd;
    }
  }
  return { spans, raw };
}

function lexComment(text: string, start: number, pos: number, trimBefore: boolean): Span {
  const close = text.indexOf('#}', pos);
  const end = close < 0 ? text.length : close + 2;
  return { kind: 'comment', start, end, trimBefore, trimAfter: close > 0 && text[close - 1] === '-', closed: close >= 0, inner: { start: pos, end: close < 0 ? end : close }, tokens: [] };
}

function lexCode(text: string, kind: 'expr' | 'stmt', start: number, pos: number, trimBefore: boolean): Span {
  const closer = kind === 'expr' ? '}}' : '%}';
  const tokens: Token[] = [];
  const innerStart = pos;
  let depth = 0;
  const n = text.length;
  while (pos < n) {
    const c = text.charCodeAt(pos);
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      pos++;
      continue;
    }
    const ch = text[pos];
    if (depth === 0) {
      if (text.startsWith(closer, pos)) return done(pos, pos + 2, false);
      if ((ch === '-' || ch === '+') && text.startsWith(closer, pos + 1)) return done(pos, pos + 3, ch === '-');
    }
    if (ch === "'" || ch === '"') {
      pos = lexString(text, pos, ch, tokens, closer);
      continue;
    }
    if (isIdentStart(c)) {
      let e = pos + 1;
      while (e < n && isIdentPart(text.charCodeAt(e))) e++;
      tokens.push({ kind: 'name', value: text.slice(pos, e), start: pos, end: e });
      pos = e;
      continue;
    }
    if (c >= 48 && c <= 57) {
      const num = /^[0-9][0-9_]*(\.[0-9_]+)?([eE][-+]?[0-9]+)?/.exec(text.slice(pos, pos + 64))![0];
      tokens.push({ kind: 'number', value: num, start: pos, end: pos + num.length });
      pos += num.length;
      continue;
    }
    const two = text.slice(pos, pos + 2);
    const op = TWO_CHAR_OPS.has(two) ? two : ch;
    if (op === '(' || op === '[' || op === '{') depth++;
    else if ((op === ')' || op === ']' || op === '}') && depth > 0) depth--;
    tokens.push({ kind: 'op', value: op, start: pos, end: pos + op.length });
    pos += op.length;
  }
  return done(n, n, false, false);

  function done(closerAt: number, end: number, trimAfter: boolean, closed = true): Span {
    return { kind, start, end, trimBefore, trimAfter, closed, inner: { start: innerStart, end: closerAt }, tokens };
  }
}

/**
 * Lexes a quoted string as Jinja2 does: it may span lines and hold `}}` or `%}` (`post_hook="... '{{ this }}'"`).
 * One whose closing quote never comes is unterminated and, to keep the rest of the file readable,
 * ends at the tag's closer.
 */
function lexString(text: string, pos: number, quote: string, tokens: Token[], closer: string): number {
  let i = pos + 1;
  let value = '';
  let closerAt = -1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '\\' && i + 1 < text.length) {
      const [decoded, length] = unescape(text, i + 1);
      value += decoded;
      i += 1 + length;
      continue;
    }
    if (ch === quote) {
      tokens.push({ kind: 'string', value, start: pos, end: i + 1 });
      return i + 1;
    }
    if (closerAt < 0 && text.startsWith(closer, i)) closerAt = i;
    value += ch;
    i++;
  }
  const end = closerAt < 0 ? text.length : closerAt;
  tokens.push({ kind: 'string', value: value.slice(0, end - pos - 1), start: pos, end, unterminated: true });
  return end;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v' };

/** Python's escape after a backslash at `at`: the character(s) it stands for and how many it consumed. */
function unescape(text: string, at: number): [string, number] {
  const next = text[at];
  const hex = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
  if (hex > 0 && /^[0-9a-fA-F]+$/.test(text.slice(at + 1, at + 1 + hex)) && at + hex < text.length) {
    return [String.fromCodePoint(parseInt(text.slice(at + 1, at + 1 + hex), 16)), 1 + hex];
  }
  if (next === '\n') return ['', 1];
  if (next in ESCAPES) return [ESCAPES[next], 1];
  // Python keeps the backslash of an unknown escape (`'\d'` is two characters).
  return [next === '\\' || next === "'" || next === '"' ? next : '\\' + next, 1];
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}
