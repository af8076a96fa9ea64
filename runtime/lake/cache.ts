// A local, content-addressed cache of remote lake objects, so DuckDB reads plain files (no httpfs).
// An entry is named by a hash of the object's key and ETag: an unchanged object is never fetched twice.
import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { LakeObject } from './lake.js';

export interface CacheStats {
  /** Objects fetched from the remote store. */
  downloads: number;
  downloadedBytes: number;
  /** Requests answered from an existing entry. */
  hits: number;
  /** Keys fetched, in order: lets a caller see exactly what a run had to download. */
  downloadedKeys: string[];
}

export class ContentCache {
  readonly stats: CacheStats = { downloads: 0, downloadedBytes: 0, hits: 0, downloadedKeys: [] };
  /** Concurrent requests for one entry share a single download. */
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(readonly dir: string) {}

  /**
   * `<dir>/<hash>/<key>`: under the hash the entry keeps its key's path, so file extensions and hive
   * partition folders (year=2026/…) read the same as in a local lake.
   */
  entryPath(object: LakeObject): string {
    const hash = createHash('sha256').update(`${object.key}\0${object.etag}\0${object.size}`).digest('hex').slice(0, 24);
    const key = object.key.split('/').filter((part) => part !== '' && part !== '.' && part !== '..');
    return path.join(this.dir, hash, ...key);
  }

  /**
   * The local file for `object`; `fetch(file)` writes the content to a temporary file when the entry
   * is missing. The entry appears by rename, so a failed or interrupted fetch never leaves half a file.
   */
  async get(object: LakeObject, fetch: (file: string) => Promise<void>): Promise<string> {
    const file = this.entryPath(object);
    const pending = this.inFlight.get(file);
    if (pending) return pending;
    const result = this.load(object, file, fetch).finally(() => this.inFlight.delete(file));
    this.inFlight.set(file, result);
    return result;
  }

  private async load(object: LakeObject, file: string, fetch: (file: string) => Promise<void>): Promise<string> {
    if (await isFile(file)) {
      this.stats.hits++;
      return file;
    }
    await ensureIgnoredDir(this.dir);
    await fsp.mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.${randomBytes(4).toString('hex')}.part`;
    try {
      await fetch(temp);
      await fsp.rename(temp, file);
    } finally {
      await fsp.rm(temp, { force: true });
    }
    this.stats.downloads++;
    this.stats.downloadedBytes += object.size;
    this.stats.downloadedKeys.push(object.key);
    return file;
  }
}

/** Creates a tool-owned folder inside a user's project with a `.gitignore` of `*`, so it is never committed. */
export async function ensureIgnoredDir(dir: string): Promise<void> {
  await fsp.mkdir(dir, { recursive: true });
  await fsp.writeFile(path.join(dir, '.gitignore'), '*\n', { flag: 'wx' }).catch(() => undefined);
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fsp.stat(file)).isFile();
  } catch {
    return false;
  }
}
