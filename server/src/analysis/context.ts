// What the cursor is on in a SQL template, read from the text alone: inside a ref('…') string, a
// source(…) argument, config(…) keys and values, a Jinja expression or statement, or plain SQL (a
// column after `alias.` or in a select list). Also which relations each alias in the file names.
import type { Range } from '../../../runtime/project/types.js';

export type TemplateContext =
  | { kind: 'ref'; range: Range }
  | { kind: 'source'; range: Range }
  | { kind: 'sourceTable'; source: string; range: Range }
  | { kind: 'configKey'; range: Range }
  | { kind: 'configValue'; key: string; range: Range }
  | { kind: 'jinja'; statement: boolean; range: Range }
  | { kind: 'comment' }
  | { kind: 'sql'; qualifier?: string; inSelectList: boolean; range: Range };

const REF = /\bref\(\s*(?:(['"])[\w.-]*\1\s*,\s*)?['"]([\w.-]*)$/;
const SOURCE = /\bsource\(\s*['"]([\w.-]*)$/;
const SOURCE_TABLE = /\bsource\(\s*(['"])([\w.-]+)\1\s*,\s*['"]([\w.-]*)$/;
const CONFIG = /\bconfig\(([^)]*)$/;
const CONFIG_VALUE = /(\w+)\s*=\s*\[?\s*(?:['"][\w+-]*['"]\s*,\s*)*['"]([\w+-]*)$/;
const CONFIG_KEY = /(?:^|[,(]|\s)\s*(\w*)$/;

export function templateContext(text: string, offset: number): TemplateContext {
  const before = text.slice(0, offset);
  const open = Math.max(before.lastIndexOf('{{'), before.lastIndexOf('{%'), before.lastIndexOf('{#'));
  const close = Math.max(before.lastIndexOf('}}'), before.lastIndexOf('%}'), before.lastIndexOf('#}'));
  const word = (re: RegExp, group: number): Range => {
    const m = re.exec(before)!;
    return { start: offset - m[group].length, end: offset + (/^[\w.-]*/.exec(text.slice(offset))![0].length) };
  };
  if (open > close) {
    if (before[open + 1] === '#') return { kind: 'comment' };
    const inside = before.slice(open + 2);
    if (REF.test(inside)) return { kind: 'ref', range: word(REF, 2) };
    const table = SOURCE_TABLE.exec(inside);
    if (table) return { kind: 'sourceTable', source: table[2], range: word(SOURCE_TABLE, 3) };
    if (SOURCE.test(inside)) return { kind: 'source', range: word(SOURCE, 1) };
    const config = CONFIG.exec(inside);
    if (config) {
      const value = CONFIG_VALUE.exec(config[1]);
      if (value) return { kind: 'configValue', key: value[1], range: word(/['"]([\w+-]*)$/, 1) };
      if (CONFIG_KEY.test(config[1])) return { kind: 'configKey', range: word(/(\w*)$/, 1) };
    }
    return { kind: 'jinja', statement: before[open + 1] === '%', range: word(/(\w*)$/, 1) };
  }
  if (/--[^\n]*$/.test(before)) return { kind: 'comment' };
  const qualified = /(\w+)\.(\w*)$/.exec(before);
  const range = word(/(\w*)$/, 1);
  range.end = offset + /^\w*/.exec(text.slice(offset))![0].length;
  return {
    kind: 'sql',
    ...(qualified ? { qualifier: qualified[1] } : {}),
    inSelectList: inSelectList(before),
    range,
  };
}

/** The cursor is between a SELECT and its FROM (the last SELECT before the cursor, ignoring nesting). */
function inSelectList(before: string): boolean {
  const lower = before.toLowerCase();
  const select = lastWord(lower, 'select');
  return select >= 0 && lastWord(lower, 'from') < select;
}

function lastWord(text: string, word: string): number {
  const re = new RegExp(`\\b${word}\\b`, 'g');
  let last = -1;
  for (let m = re.exec(text); m; m = re.exec(text)) last = m.index;
  return last;
}

/** A relation an alias (or a CTE name) stands for in a template. */
export type AliasTarget =
  | { kind: 'ref'; name: string }
  | { kind: 'source'; source: string; table: string }
  | { kind: 'cte'; name: string; targets: AliasTarget[] };

const RELATION = String.raw`\{\{-?\s*(?:ref\(\s*(?:['"][\w.-]*['"]\s*,\s*)?['"]([\w.-]+)['"]\s*\)|source\(\s*['"]([\w.-]+)['"]\s*,\s*['"]([\w.-]+)['"]\s*\))\s*-?\}\}`;
const ALIASED = new RegExp(`${RELATION}(?:\\s+(?:as\\s+)?(?!(?:on|where|join|left|right|inner|full|cross|group|order|limit|union|using|natural|qualify|having|window)\\b)(\\w+))?`, 'gi');
const CTE = /(?:\bwith|,)\s*(\w+)\s+as\s*\(/gi;
const FROM_NAME = /\b(?:from|join)\s+(\w+)(?:\s+(?:as\s+)?(?!(?:on|where|join|left|right|inner|full|cross|group|order|limit|union|using|natural)\b)(\w+))?/gi;

/** Aliases and CTE names in a template, each with the relations it reads. Later definitions win. */
export function aliases(text: string): Map<string, AliasTarget> {
  const out = new Map<string, AliasTarget>();
  const relations: Array<{ at: number; target: AliasTarget }> = [];
  for (const m of text.matchAll(ALIASED)) {
    const target: AliasTarget = m[1] ? { kind: 'ref', name: m[1] } : { kind: 'source', source: m[2], table: m[3] };
    relations.push({ at: m.index!, target });
    const name = target.kind === 'ref' ? target.name : target.table;
    if (!out.has(name)) out.set(name, target);
    if (m[4]) out.set(m[4], target);
  }
  // A CTE reads the relations between its "as (" and the matching ")".
  for (const m of text.matchAll(CTE)) {
    const start = m.index! + m[0].length;
    const end = matchingParen(text, start);
    out.set(m[1], { kind: 'cte', name: m[1], targets: relations.filter((r) => r.at >= start && r.at < end).map((r) => r.target) });
  }
  for (const m of text.matchAll(FROM_NAME)) {
    const cte = out.get(m[1]);
    if (cte?.kind === 'cte' && m[2]) out.set(m[2], cte);
  }
  return out;
}

function matchingParen(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i;
  }
  return text.length;
}
