// The columns of a file-backed source as the run will read them, before any run: a pipeline.yml source
// without declared columns through the bronze load's own reader, a dbt-duckdb external source by
// DESCRIBE of the expression source() renders. Sniffed in the binder's DuckDB, cached by the files' stamps.
import * as path from 'node:path';
import type { EngineSession } from '../../../runtime/engine/adapter.js';
import type { LakeObject } from '../../../runtime/lake/lake.js';
import { HIDDEN } from '../../../runtime/lake/leftovers.js';
import type { FileSystem } from '../../../runtime/project/fs.js';
import { externalRead } from '../../../runtime/project/externalLocation.js';
import type { Project, SourceTable } from '../../../runtime/project/types.js';
import { literal } from '../../../runtime/engine/sql.js';
import { matchingObjects, undeclaredColumnsQuery } from '../../../runtime/run/bronze.js';
import type { Column, Snapshot } from './snapshot.js';

/** Runs `fn` on the binder's DuckDB, under its lock. */
export type WithEngine = <T>(fn: (db: EngineSession) => Promise<T>) => Promise<T>;

interface Entry {
  /** The files (paths, sizes, modification times) and the source's declaration the columns were read from. */
  stamp: string;
  columns?: Column[];
}

/** A source whose columns come from its files: a lake source declaring none, or a dbt-duckdb external path. */
export function readsFiles(source: SourceTable): boolean {
  return (source.format !== undefined && source.path !== undefined && source.columns.length === 0) || source.external?.path !== undefined;
}

export class FileSchemas {
  private readonly entries = new Map<string, Entry>();

  /** The columns last read from a source's files; undefined when unknown (no files, unreadable, never read). */
  columns(id: string): Column[] | undefined {
    return this.entries.get(id)?.columns;
  }

  /** Brings the file-backed sources a model reads (through ephemeral models) up to date. */
  async refreshInputs(ws: { fs: FileSystem; snapshot(): Snapshot }, id: string, withEngine: WithEngine, seen = new Set<string>()): Promise<void> {
    const { project, graph } = ws.snapshot();
    for (const parent of graph.parents.get(id) ?? []) {
      if (seen.has(parent)) continue;
      seen.add(parent);
      const node = graph.nodes.get(parent);
      if (node?.kind === 'source' && readsFiles(node)) await this.refresh(ws.fs, project, node, withEngine);
      if (node?.kind === 'model' && node.config.materialized === 'ephemeral') await this.refreshInputs(ws, parent, withEngine, seen);
    }
  }

  /** Lists the source's files and reads their columns again when a file was added, removed or changed. */
  async refresh(fs: FileSystem, project: Project, source: SourceTable, withEngine: WithEngine): Promise<void> {
    const files = await this.files(fs, project, source, withEngine).catch(() => undefined);
    const stamp = JSON.stringify([source.format, source.options, source.external?.sql, files]);
    if (this.entries.get(source.id)?.stamp === stamp) return;
    // No file (or one outside the project or lake): the run fails or reads nothing; unknown, never an error.
    const columns = files?.length ? await withEngine((db) => this.describe(db, project, source, files.map((f) => f[0]))).catch(() => undefined) : undefined;
    this.entries.set(source.id, { stamp, columns });
  }

  private async describe(db: EngineSession, project: Project, source: SourceTable, files: string[]): Promise<Column[]> {
    const sql = source.external ? `SELECT * FROM ${externalRead(source.external, project.root)}` : await undeclaredColumnsQuery(db, source, files);
    return (await db.describe(sql)).map((c) => ({ name: c.name, type: c.type }));
  }

  /** [path, size, mtime] of each file the run would read, or undefined when any leads outside the project or lake. */
  private async files(fs: FileSystem, project: Project, source: SourceTable, withEngine: WithEngine): Promise<Array<[string, number, number]> | undefined> {
    const lake = project.config.lake;
    if (lake.kind !== 'local' || !fs.stat) return undefined;
    const lakeRoot = path.posix.resolve(project.root, lake.path);
    const real = async (p: string): Promise<string | undefined> => (fs.realPath ? fs.realPath(p) : p);
    const bases = [project.root, lakeRoot, await real(project.root), await real(lakeRoot)].filter((b): b is string => b !== undefined);
    const allowed = (p: string): boolean => bases.some((b) => inside(b, p));
    let paths: string[];
    if (source.external) {
      const written = source.external.path!;
      if (/^[a-z][\w+.-]*:\/\//i.test(written)) return undefined;
      const pattern = path.posix.resolve(project.root, written);
      if (!allowed(pattern)) return undefined;
      paths = /[*?[{]/.test(pattern) ? await withEngine((db) => duckdbGlob(db, pattern)) : [pattern];
    } else {
      if (!inside(lakeRoot, path.posix.resolve(lakeRoot, source.path!))) return undefined;
      paths = (await matchingObjects({ list: (prefix) => listLake(fs, lakeRoot, prefix) }, source.path!)).map((o) => `${lakeRoot}/${o.key}`);
    }
    const out: Array<[string, number, number]> = [];
    for (const file of paths) {
      const [where, stat] = [await real(file), await fs.stat(file)];
      // A file is a regular file that stays inside once symlinks are resolved; anything else leaves the source unknown.
      if (!where || !stat || !allowed(where)) return undefined;
      out.push([file, stat.size, Math.trunc(stat.mtimeMs)]);
    }
    return out;
  }
}

function inside(root: string, target: string): boolean {
  const rel = path.posix.relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !path.posix.isAbsolute(rel));
}

/** DuckDB's expansion of a glob, in the engine's order. */
export async function duckdbGlob(db: EngineSession, pattern: string): Promise<string[]> {
  return (await db.query(`SELECT file FROM glob(${literal(pattern)}) ORDER BY file`)).rows.map((r) => String(r.file));
}

/** The lake's objects under a key prefix, as LocalLake.list gives them (regular files, no hidden names, by key) but never deleting anything. */
async function listLake(fs: FileSystem, lakeRoot: string, prefix: string): Promise<LakeObject[]> {
  const out: LakeObject[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await fs.readDir(dir ? `${lakeRoot}/${dir}` : lakeRoot)) {
      if (entry.name.startsWith(HIDDEN)) continue;
      const key = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory) await walk(key);
      else {
        const stat = await fs.stat!(`${lakeRoot}/${key}`);
        if (stat) out.push({ key, size: stat.size, etag: `${stat.size}-${Math.trunc(stat.mtimeMs)}` });
      }
    }
  };
  await walk(prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '');
  return out.filter((o) => o.key.startsWith(prefix)).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
