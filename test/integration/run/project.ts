// Test support for runner tests: a real project folder in a temp dir (from an inline fixture),
// loaded with the real loader and graph, run with the real runner on a real DuckDB file.
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openWarehouse } from '../../../runtime/engine/duckdb.js';
import { buildGraph } from '../../../runtime/graph/dag.js';
import { loadProject } from '../../../runtime/project/load.js';
import { NodeFileSystem } from '../../../runtime/project/fs.js';
import type { Project } from '../../../runtime/project/types.js';
import { runPipeline } from '../../../runtime/run/runner.js';
import type { RunGraph, RunOptions, RunResults } from '../../../runtime/run/types.js';
import { fixture } from '../../support/fixture.js';

export interface TempProject {
  root: string;
  write(file: string, text: string): void;
  load(): Promise<{ project: Project; graph: RunGraph }>;
  run(options?: RunOptions): Promise<RunResults>;
  /** The rows of `sql` on the project's warehouse, opened read-only for the query. */
  query(sql: string): Promise<unknown[]>;
  dispose(): void;
}

/** Writes an inline multi-file fixture (`//- /path` blocks) into a fresh temp folder. */
export function tempProject(text: string): TempProject {
  const root = mkdtempSync(path.join(os.tmpdir(), 'medallion-run-'));
  const write = (file: string, body: string): void => {
    const target = path.join(root, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, body);
  };
  for (const [file, body] of Object.entries(fixture(text).files)) write(file, body);
  const load = async (): Promise<{ project: Project; graph: RunGraph }> => {
    const project = await loadProject(new NodeFileSystem(), root.replace(/\\/g, '/'));
    const errors = project.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) throw new Error(`fixture does not load: ${errors.map((d) => `${d.file}: ${d.message}`).join('; ')}`);
    return { project, graph: buildGraph(project) };
  };
  return {
    root,
    write,
    load,
    async run(options: RunOptions = {}) {
      const { project, graph } = await load();
      return runPipeline(project, graph, { threads: 2, ...options });
    },
    async query(sql: string) {
      const db = await openWarehouse(path.join(root, 'warehouse.duckdb'), { readOnly: true });
      try {
        return (await db.query(sql)).rows;
      } finally {
        db.close();
      }
    },
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** JSON lines from objects (strings are written as they are, to make malformed lines). */
export function jsonl(records: Array<Record<string, unknown> | string>): string {
  return records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';
}

