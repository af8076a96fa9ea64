// The two judges of a project: the analysis layer (every file indexed, every model bound, as the
// server does before anything runs) and the run (`medallion build` on a real DuckDB file in a temp dir).
import { mkdtempSync, mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MemoryFileSystem, NodeFileSystem } from '../../../runtime/project/fs.js';
import { loadProject } from '../../../runtime/project/load.js';
import { buildGraph } from '../../../runtime/graph/dag.js';
import { runPipeline } from '../../../runtime/run/runner.js';
import type { Diagnostic } from '../../../runtime/project/types.js';
import { Workspace } from '../../../server/src/analysis/workspace.js';
import { boundDiagnostics, staticDiagnostics } from '../../../server/src/analysis/diagnostics.js';

export type Files = Record<string, string>;

/**
 * The project indexed with every model bound, as the server has it once its background pass is done:
 * in memory, or from a temp folder when it has data files the analysis reads (a source's files).
 */
export async function openBound(files: Files): Promise<Workspace> {
  const onDisk = Object.keys(files).some(isData);
  const root = onDisk ? writeProject(files) : '/project';
  const fs = onDisk ? new NodeFileSystem() : new MemoryFileSystem();
  if (fs instanceof MemoryFileSystem) for (const [file, text] of Object.entries(files)) fs.write(`${root}/${file}`, text);
  const ws = await Workspace.open(fs, root);
  await ws.binder.bindAll(() => {});
  return ws;
}

/** Every error the server would publish for the project, once the whole project is bound. */
export async function analyze(files: Files): Promise<Diagnostic[]> {
  const ws = await openBound(files);
  try {
    const out: Diagnostic[] = [];
    const snap = ws.snapshot();
    for (const list of staticDiagnostics(snap).values()) out.push(...list);
    for (const file of snap.files()) out.push(...boundDiagnostics(snap, file));
    return out.filter((d) => d.severity === 'error');
  } finally {
    await ws.binder.close();
    if (ws.root !== '/project') rmSync(ws.root, { recursive: true, force: true });
  }
}

/** Data a source reads (JSON, CSV, Parquet), as opposed to the project's own files. */
function isData(file: string): boolean {
  return /\.(jsonl?|parquet)$/.test(file) || (/\.csv$/.test(file) && !file.startsWith('seeds/'));
}

function writeProject(files: Files): string {
  const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'medallion-precision-'))).replace(/\\/g, '/');
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

export interface BuildOutcome {
  ok: boolean;
  /** Load errors, or the messages of the nodes that failed (a model, a test), with their node ids. */
  errors: Array<{ node?: string; file: string; message: string }>;
}

/**
 * `medallion build` as the CLI runs it: load errors stop it before anything runs, else every seed,
 * source, model and test in DAG order. Files named `*.jsonl`/`*.json` under the lake are data.
 */
export async function build(files: Files): Promise<BuildOutcome> {
  const root = writeProject(files);
  try {
    const project = await loadProject(new NodeFileSystem(), root);
    const graph = buildGraph(project);
    const loadErrors = [...project.diagnostics, ...graph.diagnostics].filter((d) => d.severity === 'error');
    if (loadErrors.length) return { ok: false, errors: loadErrors.map((d) => ({ file: d.file, message: d.message })) };
    const run = await runPipeline(project, graph, { command: 'build', threads: 2 });
    const errors = [
      ...run.errors.map((e) => ({ file: e.file, message: e.message })),
      ...run.results.filter((r) => r.status === 'error' || r.status === 'fail').map((r) => ({ node: r.id, file: r.error?.file ?? '', message: r.error?.message ?? r.message ?? r.status })),
    ];
    return { ok: run.success, errors };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** `file:line:col message` lines, for assertion messages. */
export function describe(files: Files, diagnostics: Diagnostic[]): string {
  return diagnostics
    .map((d) => {
      const before = (files[d.file] ?? '').slice(0, d.range.start).split('\n');
      return `${d.file}:${before.length}:${before[before.length - 1].length + 1} [${d.code}] ${d.message}`;
    })
    .join('\n');
}
