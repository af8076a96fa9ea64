// What the cursor names (referentAt: a model, source or macro, computed once for hover, definition,
// references and rename), go to definition (ref → model file, source → its YAML, macro or a YAML
// generic test → its definition) and find references (every ref/source/macro call naming it).
import { testMacro } from '../../../runtime/compile/tests.js';
import { namespaceMacros } from '../../../runtime/project/link.js';
import { packageOf } from '../../../runtime/project/packages.js';
import type { MacroDef, Project, Range } from '../../../runtime/project/types.js';
import type { Snapshot } from './snapshot.js';
import type { FileRange } from './types.js';

/**
 * What the cursor names: a model (or seed), a source table or a macro, with the range that names it
 * (a ref's name, both names of a source() call, a macro call or definition name, a YAML entry's name).
 */
export type Referent =
  | { kind: 'model'; name: string; range: Range }
  | { kind: 'source'; source: string; table: string; range: Range }
  | { kind: 'macro'; name: string; range: Range; package?: string };

const START: Range = { start: 0, end: 0 };

export function referentAt(snap: Snapshot, file: string, offset: number): Referent | undefined {
  const inside = (r: Range): boolean => offset >= r.start && offset <= r.end;
  if (file.endsWith('.sql')) {
    const scan = snap.scan(file);
    for (const r of scan.refs) if (inside(r.nameRange)) return { kind: 'model', name: r.name, range: r.nameRange };
    for (const s of scan.sources) {
      if (inside(s.sourceRange) || inside(s.tableRange)) return { kind: 'source', source: s.source, table: s.table, range: { start: s.sourceRange.start, end: s.tableRange.end } };
    }
    for (const c of scan.packageCalls) {
      if (inside(c.range)) return { kind: 'macro', name: c.name, range: c.range, package: c.package };
    }
    // In an installed package's macro file, unqualified names resolve in the package first (dbt's rule).
    const own = packageOf(snap.project.config, file)?.name;
    for (const c of scan.macroCalls) if (inside(c.range)) return { kind: 'macro', name: c.name, range: c.range, ...(own && snap.project.packageMacros.get(own)?.has(c.name) ? { package: own } : {}) };
    for (const d of scan.macroDefs) if (inside(d.nameRange)) return { kind: 'macro', name: d.name, range: d.nameRange };
    return undefined;
  }
  for (const m of snap.modelsSpecifiedIn(file)) {
    if (m.spec && inside(m.spec.location.range)) return { kind: 'model', name: m.name, range: m.spec.location.range };
  }
  for (const s of snap.project.sources.values()) {
    if (s.location.file === file && inside(s.location.range)) return { kind: 'source', source: s.source, table: s.table, range: s.location.range };
  }
  // A generic test's name in schema YAML names its `{% test %}` block, the macro test_<name>.
  for (const t of snap.project.tests.values()) {
    const at = t.spec?.location;
    if (at?.file === file && inside(at.range)) {
      const macro = testMacro(snap.project, t.spec!.name);
      if (macro) return { kind: 'macro', name: macro.name, range: at.range, ...(macro.package ? { package: macro.package } : {}) };
    }
  }
  return undefined;
}

export function definition(snap: Snapshot, file: string, offset: number): FileRange[] {
  const target = referentAt(snap, file, offset);
  if (!target) return [];
  if (target.kind === 'model') {
    const node = snap.refTarget(target.name);
    if (!node) return [];
    return [{ file: node.file, range: START }];
  }
  if (target.kind === 'source') {
    const node = snap.source(target.source, target.table);
    return node ? [node.location] : [];
  }
  const macro = macroOf(snap.project, target);
  return macro ? [{ file: macro.file, range: macro.nameRange }] : [];
}

/** The definition a macro target names: in its package (or the project, under its name), else the project's own. */
export function macroOf(project: Project, target: { name: string; package?: string }): MacroDef | undefined {
  return target.package === undefined ? project.macros.get(target.name) : namespaceMacros(project, target.package)?.get(target.name);
}

export function references(snap: Snapshot, file: string, offset: number, includeDeclaration: boolean): FileRange[] {
  let target = referentAt(snap, file, offset);
  const own = snap.modelOfFile(file);
  if (!target && own) target = { kind: 'model', name: own.name, range: START };
  if (!target) return [];
  const out: FileRange[] = [];
  if (target.kind === 'model') {
    out.push(...snap.refsTo(target.name).map((r) => ({ file: r.file, range: r.range })));
    const node = snap.model(target.name);
    if (includeDeclaration && node?.spec) out.push(node.spec.location);
  } else {
    for (const m of snap.project.models.values()) {
      if (target.kind === 'source') {
        const { source, table } = target;
        for (const s of m.scan.sources) if (s.source === source && s.table === table) out.push({ file: m.file, range: s.tableRange });
      } else {
        const { name } = target;
        if (target.package === undefined) {
          for (const c of m.scan.macroCalls) if (c.name === name) out.push({ file: m.file, range: c.range });
        } else {
          for (const c of m.scan.packageCalls) if (c.package === target.package && c.name === name) out.push({ file: m.file, range: c.nameRange });
        }
      }
    }
    if (includeDeclaration) out.push(...definition(snap, file, offset));
  }
  return out;
}
