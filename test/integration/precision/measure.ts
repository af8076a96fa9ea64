// Precision and recall of the static diagnostics, measured against `medallion build`: precision over
// every project (and mutant) that builds — 0 errors expected; recall over the mutants the build
// rejects — flagged at the expected range before anything runs.
import type { Diagnostic } from '../../../runtime/project/types.js';
import { analyze, build, describe, openBound, type Files } from './oracle.js';
import { DATA_KINDS, mutants, type Mutant, type MutationKind } from './mutations.js';
import type { PrecisionProject } from './projects.js';

export interface Verdict {
  project: string;
  kind: MutationKind | 'original';
  label: string;
  /** The build failed (only those count for recall). */
  buildFails: boolean;
  buildError?: string;
  /** Errors the analysis shows. */
  errors: Diagnostic[];
  /** An error landed at an expected range. */
  caught: boolean;
  detail: string;
}

export interface Measure {
  verdicts: Verdict[];
  /** Projects and mutants that build: how many showed no error. */
  precision: { clean: number; total: number; falsePositives: Verdict[] };
  /** Mutants the build rejects: how many were flagged at the right range. */
  recall: { caught: number; total: number; missed: Verdict[]; byKind: Map<string, { caught: number; total: number }> };
  /** Data breakages (DATA_KINDS) the build rejects: reported, not asserted. */
  data: { caught: number; total: number };
  /** Projects that do not build as written: neither measured nor mutated. */
  unbuilt: string[];
}

export async function measure(projects: PrecisionProject[], onVerdict: (v: Verdict) => void = () => {}): Promise<Measure> {
  const verdicts: Verdict[] = [];
  const judge = async (project: string, kind: Verdict['kind'], label: string, files: Files, expect: Mutant['expect']): Promise<void> => {
    const outcome = await build(files);
    const errors = await analyze(files);
    const caught = errors.some((d) => expect.some((e) => e.file === d.file && touches(files[d.file] ?? '', d.range, e.range)));
    const v: Verdict = { project, kind, label, buildFails: !outcome.ok, buildError: outcome.errors[0]?.message, errors, caught, detail: describe(files, errors) };
    verdicts.push(v);
    onVerdict(v);
  };
  for (const p of projects) {
    await judge(p.name, 'original', 'as written', p.files, []);
    // A project that does not build as written (a conformance project landing a source first) says nothing about its mutants.
    if (verdicts[verdicts.length - 1].buildFails) continue;
    const ws = await openBound(p.files);
    const list = mutants(p.files, ws);
    await ws.binder.close();
    for (const m of list) await judge(p.name, m.kind, m.label, m.files, m.expect);
  }
  const builds = verdicts.filter((v) => !v.buildFails);
  const fails = verdicts.filter((v) => v.buildFails && v.kind !== 'original' && !DATA_KINDS.has(v.kind));
  const data = verdicts.filter((v) => v.buildFails && DATA_KINDS.has(v.kind as MutationKind));
  const byKind = new Map<string, { caught: number; total: number }>();
  for (const v of fails) {
    const k = byKind.get(v.kind) ?? { caught: 0, total: 0 };
    k.total++;
    if (v.caught) k.caught++;
    byKind.set(v.kind, k);
  }
  return {
    verdicts,
    precision: { clean: builds.filter((v) => v.errors.length === 0).length, total: builds.length, falsePositives: builds.filter((v) => v.errors.length > 0) },
    recall: { caught: fails.filter((v) => v.caught).length, total: fails.length, missed: fails.filter((v) => !v.caught), byKind },
    data: { caught: data.filter((v) => v.caught).length, total: data.length },
    unbuilt: verdicts.filter((v) => v.kind === 'original' && v.buildFails).map((v) => v.project),
  };
}

/** Same line or overlapping: a diagnostic on the expected token, or on the line it is on. */
function touches(text: string, a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  if (a.start <= b.end && b.start <= a.end) return true;
  const line = (offset: number): number => text.slice(0, offset).split('\n').length;
  return line(a.start) === line(b.start);
}

export function percent(n: number, total: number): string {
  return total === 0 ? 'n/a' : `${((100 * n) / total).toFixed(1)}%`;
}
