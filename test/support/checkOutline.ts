// Outline checks: document symbols, workspace symbol search and code lenses, rendered as text and
// compared with inline snapshots (see check.ts for the shape every check follows).
import { expectText } from './expect.js';
import { prepare, type CheckOptions, type Source } from './check.js';
import { documentSymbols, workspaceSymbols } from '../../server/src/analysis/symbols.js';
import { codeLenses } from '../../server/src/analysis/lenses.js';
import type { Lens, Outline } from '../../server/src/analysis/types.js';

/** A file's symbols as a tree: `kind name  detail`, children indented under their parent. */
export async function checkDocumentSymbols(source: Source, file: string, expected: string, options: CheckOptions = {}): Promise<Outline[]> {
  const { ws } = await prepare(source, options);
  const symbols = documentSymbols(ws.snapshot(), file);
  const lines: string[] = [];
  const add = (list: Outline[], depth: number): void => {
    for (const s of list) {
      lines.push(`${'  '.repeat(depth)}${s.kind} ${s.name}${s.detail ? `  ${s.detail}` : ''}`);
      add(s.children ?? [], depth + 1);
    }
  };
  add(symbols, 0);
  expectText(lines.length ? lines.join('\n') : 'no symbols', expected);
  return symbols;
}

/** The workspace symbols matching `query`: `kind name  file`, in the order given. */
export async function checkWorkspaceSymbols(source: Source, query: string, expected: string, options: CheckOptions = {}): Promise<Outline[]> {
  const { ws } = await prepare(source, options);
  const symbols = workspaceSymbols(ws.snapshot(), query);
  expectText(symbols.length ? symbols.map((s) => `${s.kind} ${s.name}  ${s.file}`).join('\n') : 'no symbols', expected);
  return symbols;
}

/** A file's code lenses: `action model (command)` at the offset each sits on. */
export async function checkLenses(source: Source, file: string, expected: string, options: CheckOptions = {}): Promise<Lens[]> {
  const { ws } = await prepare(source, options);
  const lenses = codeLenses(ws.snapshot(), file);
  expectText(lenses.length ? lenses.map((l) => `${l.action} ${l.model} (${l.command}) at ${l.range.start}-${l.range.end}`).join('\n') : 'no lenses', expected);
  return lenses;
}
