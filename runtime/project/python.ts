// Python models (`models/**/*.py`, `def model(dbt, session)`), read statically for the graph as dbt's
// parser reads them: `dbt.ref(...)`, `dbt.source(...)` and `dbt.config(...)` calls with literal
// arguments, with their ranges. No Python runs; never throws.
import type { ConfigCall, RefCall, Range, SourceCall, TemplateScan } from './types.js';

/** A Python string literal ('x', "x", r'x'): its value and the range of the value inside the quotes. */
const STRING = String.raw`[rRuU]?(?:'([^'\\\n]*)'|"([^"\\\n]*)")`;
const CALL = /\bdbt\s*\.\s*(ref|source|config)\s*\(/g;

export function scanPython(text: string): TemplateScan {
  const scan: TemplateScan = { refs: [], sources: [], configs: [], vars: [], macroCalls: [], packageCalls: [], isIncremental: [], macroDefs: [], diagnostics: [] };
  const code = blankComments(text);
  for (const m of code.matchAll(CALL)) {
    const open = m.index + m[0].length;
    const close = closingParen(code, open);
    if (close < 0) continue;
    const range: Range = { start: m.index, end: close + 1 };
    const args = splitArgs(code, open, close);
    if (m[1] === 'config') {
      const call: ConfigCall = { args: {}, argRanges: {}, range };
      for (const a of args) {
        const kw = /^\s*([A-Za-z_]\w*)\s*=\s*/.exec(code.slice(a.start, a.end));
        if (!kw) continue;
        const valueStart = a.start + kw[0].length;
        const value = literal(code.slice(valueStart, a.end).trim());
        if (value === undefined) continue;
        call.args[kw[1]] = value.value;
        call.argRanges[kw[1]] = { start: valueStart, end: a.end };
      }
      scan.configs.push(call);
      continue;
    }
    const strings = args.filter((a) => !/^\s*[A-Za-z_]\w*\s*=/.test(code.slice(a.start, a.end))).map((a) => stringAt(code, a));
    if (strings.some((s) => s === undefined) || strings.length === 0) continue;
    const lits = strings as Array<{ value: string; range: Range }>;
    if (m[1] === 'ref' && lits.length <= 2) {
      const name = lits[lits.length - 1];
      const ref: RefCall = { name: name.value, range, nameRange: name.range, ...(lits.length === 2 ? { package: lits[0].value } : {}) };
      scan.refs.push(ref);
    } else if (m[1] === 'source' && lits.length === 2) {
      const source: SourceCall = { source: lits[0].value, table: lits[1].value, range, sourceRange: lits[0].range, tableRange: lits[1].range };
      scan.sources.push(source);
    }
  }
  return scan;
}

/** The text with `#` comments (outside strings) replaced by spaces, so offsets stay the same. */
function blankComments(text: string): string {
  return text.replace(new RegExp(`${STRING}|#[^\\n]*`, 'g'), (s) => (s.startsWith('#') ? ' '.repeat(s.length) : s));
}

/** The offset of the ')' closing the call whose arguments start at `open`, skipping strings and nested brackets; -1 if none. */
function closingParen(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    const c = code[i];
    if (c === "'" || c === '"') {
      const end = code.indexOf(c, i + 1);
      if (end < 0) return -1;
      i = end;
    } else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) return c === ')' ? i : -1;
      depth--;
    }
  }
  return -1;
}

/** The top-level comma-separated arguments between `open` and `close`. */
function splitArgs(code: string, open: number, close: number): Range[] {
  const out: Range[] = [];
  let depth = 0;
  let start = open;
  for (let i = open; i < close; i++) {
    const c = code[i];
    if (c === "'" || c === '"') i = Math.max(i, code.indexOf(c, i + 1));
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      out.push({ start, end: i });
      start = i + 1;
    }
  }
  if (code.slice(start, close).trim() !== '') out.push({ start, end: close });
  return out;
}

function stringAt(code: string, a: Range): { value: string; range: Range } | undefined {
  const m = new RegExp(`^\\s*${STRING}\\s*$`).exec(code.slice(a.start, a.end));
  if (!m) return undefined;
  const value = m[1] ?? m[2];
  const start = a.start + m[0].indexOf(value === '' ? (m[1] !== undefined ? "''" : '""') : value) + (value === '' ? 1 : 0);
  return { value, range: { start, end: start + value.length } };
}

/** A Python literal dbt.config accepts statically: a string, a number, True/False/None, or a list of strings. */
function literal(text: string): { value: unknown } | undefined {
  const s = new RegExp(`^${STRING}$`).exec(text);
  if (s) return { value: s[1] ?? s[2] };
  if (/^-?\d+(\.\d+)?$/.test(text)) return { value: Number(text) };
  if (text === 'True' || text === 'False') return { value: text === 'True' };
  if (text === 'None') return { value: null };
  const list = /^\[(.*)\]$/s.exec(text);
  if (list) {
    const items = list[1].split(',').map((x) => x.trim()).filter((x) => x !== '').map((x) => new RegExp(`^${STRING}$`).exec(x));
    if (items.every((x) => x)) return { value: items.map((x) => x![1] ?? x![2]) };
  }
  return undefined;
}
