// Document symbols (a model and its CTEs; schema YAML models and columns; pipeline.yml sources)
// and workspace symbols (models, sources, seeds, macros matching a query).
import type { Snapshot } from './snapshot.js';
import type { Outline } from './types.js';

const MAX_WORKSPACE_SYMBOLS = 500;
const CTE = /(?:\bwith|,)\s*(\w+)\s+as\s*\(/gi;

export function documentSymbols(snap: Snapshot, file: string): Outline[] {
  const text = snap.text(file) ?? '';
  const whole = { start: 0, end: text.length };
  if (file.endsWith('.sql')) {
    const model = snap.modelOfFile(file);
    const scan = snap.scan(file);
    const macros: Outline[] = scan.macroDefs.map((d) => ({ name: d.name, kind: 'macro', file, range: d.range, selectionRange: d.nameRange, detail: `(${d.params.join(', ')})` }));
    if (!model) return macros;
    const ctes: Outline[] = [...text.matchAll(CTE)].map((m) => {
      const start = m.index! + m[0].indexOf(m[1]);
      return { name: m[1], kind: 'cte', file, range: { start, end: start + m[1].length }, selectionRange: { start, end: start + m[1].length } };
    });
    return [{ name: model.name, kind: 'model', detail: [model.layer, model.config.materialized].filter(Boolean).join(' · '), file, range: whole, selectionRange: { start: 0, end: 0 }, children: [...ctes, ...macros] }];
  }
  const out: Outline[] = [];
  for (const m of snap.modelsSpecifiedIn(file)) {
    if (!m.spec) continue;
    const children: Outline[] = m.spec.columns
      .filter((c) => c.location.file === file)
      .map((c) => ({ name: c.name, kind: 'column', file, range: c.location.range, selectionRange: c.location.range, ...(c.dataType ? { detail: c.dataType } : {}) }));
    out.push({ name: m.name, kind: 'model', file, range: m.spec.location.range, selectionRange: m.spec.location.range, children });
  }
  for (const s of snap.project.sources.values()) {
    if (s.location.file !== file) continue;
    const children: Outline[] = s.columns
      .filter((c) => c.location.file === file)
      .map((c) => ({ name: c.name, kind: 'column', file, range: c.location.range, selectionRange: c.location.range, ...(c.dataType ? { detail: c.dataType } : {}) }));
    out.push({ name: `${s.source}.${s.table}`, kind: 'source', file, range: s.location.range, selectionRange: s.location.range, children });
  }
  return out;
}

export function workspaceSymbols(snap: Snapshot, query: string): Outline[] {
  const q = query.toLowerCase();
  const matches = (name: string): boolean => fuzzy(name.toLowerCase(), q);
  const out: Outline[] = [];
  const start = { start: 0, end: 0 };
  for (const m of snap.project.models.values()) {
    if (out.length >= MAX_WORKSPACE_SYMBOLS) return out;
    if (matches(m.name)) out.push({ name: m.name, kind: 'model', detail: m.layer, file: m.file, range: start, selectionRange: start });
  }
  for (const s of snap.project.sources.values()) {
    if (out.length >= MAX_WORKSPACE_SYMBOLS) return out;
    const name = `${s.source}.${s.table}`;
    if (matches(name)) out.push({ name, kind: 'source', file: s.location.file, range: s.location.range, selectionRange: s.location.range });
  }
  for (const s of snap.project.seeds.values()) if (matches(s.name)) out.push({ name: s.name, kind: 'seed', file: s.file, range: start, selectionRange: start });
  for (const m of snap.project.macros.values()) if (matches(m.name)) out.push({ name: m.name, kind: 'macro', file: m.file, range: m.range, selectionRange: m.nameRange });
  return out.slice(0, MAX_WORKSPACE_SYMBOLS);
}

/** The query's characters appear in the name in order (VS Code's usual symbol matching). */
function fuzzy(name: string, query: string): boolean {
  let i = 0;
  for (const ch of name) if (ch === query[i]) i++;
  return i === query.length;
}
