// The file system the loader reads through: injected, so tests use memory and the editor its own buffers.
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { realTarget } from '../lake/within.js';

export interface DirEntry {
  name: string;
  isDirectory: boolean;
}

/** Paths are absolute, with forward slashes. Reads of missing files return undefined, never throw. */
export interface FileSystem {
  readFile(file: string): Promise<string | undefined>;
  readDir(dir: string): Promise<DirEntry[]>;
  exists(file: string): Promise<boolean>;
  /**
   * Where a path really leads after symlinks (its deepest existing ancestor resolved, the rest
   * appended); undefined through a dangling link. File systems without links leave it out.
   */
  realPath?(file: string): Promise<string | undefined>;
  /** Size and modification time of a regular file (not through a symlink); undefined for anything else. File systems without data files leave it out. */
  stat?(file: string): Promise<FileStamp | undefined>;
}

export interface FileStamp {
  size: number;
  mtimeMs: number;
}

/**
 * The disk, read synchronously behind the async interface: 10,000 small files one by one with
 * readFileSync take a fraction of the time that as many concurrent async reads take (each costs
 * thread-pool round trips), and a load runs before anything else is served anyway.
 */
export class NodeFileSystem implements FileSystem {
  async readFile(file: string): Promise<string | undefined> {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  }

  async readDir(dir: string): Promise<DirEntry[]> {
    try {
      return readdirSync(dir, { withFileTypes: true }).map((e) => ({ name: e.name, isDirectory: e.isDirectory() }));
    } catch {
      return [];
    }
  }

  async exists(file: string): Promise<boolean> {
    return existsSync(file);
  }

  async stat(file: string): Promise<FileStamp | undefined> {
    try {
      const s = lstatSync(file);
      return s.isFile() ? { size: s.size, mtimeMs: s.mtimeMs } : undefined;
    } catch {
      return undefined;
    }
  }

  async realPath(file: string): Promise<string | undefined> {
    const real = await realTarget(file);
    return real === undefined ? undefined : normalize(real);
  }
}

/** An in-memory tree, keyed by absolute path; directories are implied by the files under them. */
export class MemoryFileSystem implements FileSystem {
  readonly files = new Map<string, string>();

  constructor(files: Record<string, string> = {}) {
    for (const [file, text] of Object.entries(files)) this.files.set(normalize(file), text);
  }

  write(file: string, text: string): void {
    this.files.set(normalize(file), text);
  }

  delete(file: string): void {
    this.files.delete(normalize(file));
  }

  async readFile(file: string): Promise<string | undefined> {
    return this.files.get(normalize(file));
  }

  async readDir(dir: string): Promise<DirEntry[]> {
    const prefix = normalize(dir).replace(/\/$/, '') + '/';
    const seen = new Map<string, boolean>();
    for (const file of this.files.keys()) {
      if (!file.startsWith(prefix)) continue;
      const rest = file.slice(prefix.length);
      const slash = rest.indexOf('/');
      const name = slash < 0 ? rest : rest.slice(0, slash);
      seen.set(name, (seen.get(name) ?? false) || slash >= 0);
    }
    return [...seen].map(([name, isDirectory]) => ({ name, isDirectory }));
  }

  async exists(file: string): Promise<boolean> {
    const p = normalize(file);
    if (this.files.has(p)) return true;
    const prefix = p.replace(/\/$/, '') + '/';
    for (const f of this.files.keys()) if (f.startsWith(prefix)) return true;
    return false;
  }
}

export function normalize(file: string): string {
  return path.posix.normalize(file.replace(/\\/g, '/'));
}
