// Where the cursor is in a YAML file, from indentation alone, so it works while the file is
// half-typed and does not parse: the chain of parent keys, and whether a key or a value is typed.
import type { Range } from '../../../runtime/project/types.js';

export interface YamlPath {
  /** Parent keys from the top, '-' for a list item: ['sources', 'app_logs', 'columns', 'ts']. */
  keys: string[];
  /** 'key' when typing a mapping key, 'value' after `key: `, 'item' after `- ` (a scalar or the first key of a mapping). */
  position: 'key' | 'value' | 'item';
  /** For a value: its key. */
  key?: string;
  /** The `name:` of each enclosing list item, innermost last (e.g. the model, then the column). */
  itemNames: string[];
  /** The word being typed. */
  range: Range;
  /** Keys already present in the mapping being completed. */
  siblings: string[];
}

export function yamlPath(text: string, offset: number): YamlPath {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  const word = /[\w.+()\-, ]*$/.exec(before)![0].replace(/^\s+/, '');
  const after = /^[\w.+()-]*/.exec(text.slice(offset))![0];
  const range = { start: offset - word.length, end: offset + after.length };
  const value = /^(\s*)(?:- +)?([\w-]+)\s*:\s+(.*)$/.exec(before);
  const indent = /^\s*(?:- +)?/.exec(before)![0].length;
  const { keys, itemNames } = parents(text, lineStart, indent);
  if (value) {
    const wordStart = offset - value[3].replace(/^['"[]/, '').length;
    return { keys, position: 'value', key: value[2], range: { start: wordStart, end: range.end }, siblings: [], itemNames };
  }
  if (/^\s*- +[\w-]*$/.test(before)) return { keys, position: 'item', range, siblings: [], itemNames };
  return { keys, position: 'key', range, siblings: siblings(text, lineStart, indent), itemNames };
}

/** Keys of lines above with less indentation, innermost last. A `- ` item adds '-'. */
function parents(text: string, lineStart: number, indent: number): { keys: string[]; itemNames: string[] } {
  const keys: string[] = [];
  const itemNames: string[] = [];
  let limit = indent;
  let end = lineStart - 1;
  while (end > 0 && limit > 0) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const line = text.slice(start, end);
    end = start - 1;
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const m = /^(\s*)(- +)?(?:([\w.-]+)\s*:)?/.exec(line)!;
    const lineIndent = m[1].length;
    const itemIndent = lineIndent + (m[2]?.length ?? 0);
    if (m[2] && itemIndent <= limit && lineIndent < limit) {
      if (m[3] && itemIndent < limit) keys.unshift(m[3]);
      keys.unshift('-');
      const name = /^\s*- +name\s*:\s*['"]?([\w.-]+)/.exec(line)
        ?? new RegExp(`^ {${itemIndent}}name\\s*:\\s*['"]?([\\w.-]+)`, 'm').exec(text.slice(start, lineStart));
      itemNames.unshift(name?.[1] ?? '');
      limit = lineIndent;
    } else if (m[3] && lineIndent < limit) {
      keys.unshift(m[3]);
      limit = lineIndent;
    }
  }
  return { keys, itemNames };
}

/** Keys at the same indentation in the same mapping, above and below the cursor's line. */
function siblings(text: string, lineStart: number, indent: number): string[] {
  const out: string[] = [];
  const lines = text.split('\n');
  let index = text.slice(0, lineStart).split('\n').length - 1;
  for (const step of [-1, 1]) {
    for (let i = index + step; i >= 0 && i < lines.length; i += step) {
      const line = lines[i];
      if (line.trim() === '') continue;
      const m = /^(\s*)(- +)?([\w.-]+)\s*:/.exec(line);
      const lineIndent = /^\s*/.exec(line)![0].length;
      if (m && m[1].length + (m[2]?.length ?? 0) === indent) {
        out.push(m[3]);
        if (m[2]) break;
      } else if (lineIndent < indent) break;
    }
    index = text.slice(0, lineStart).split('\n').length - 1;
  }
  return out;
}
