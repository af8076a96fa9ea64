// A local, content-addressed cache of remote lake objects, so DuckDB reads plain files (no httpfs).
// An entry is named by a hash of the object's key and ETag: an unchanged object is never fetched twice;
// entries of objects a listing no longer shows (deleted, or rewritten under a new ETag) are pruned.
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
  /** Entries removed because their object was deleted or rewritten. */
  pruned: number;
}

export class ContentCache {
  readonly stats: CacheStats = { downloads: 0, downloadedBytes: 0, hits: 0, downloadedKeys: [], pruned: 0 };
  /** Concurrent requests for one entry share a single download. */
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(readonly dir: string) {}

  /**
   * `<dir>/<hash>/<key>`: under the hash the entry keeps its key's path, so file extensions and hive
   * partition folders (year=2026/…) read the same as in a local lake.
   */
  entryPath(object: LakeObject): string {
    return path.join(this.dir, entryHash(object), ...keyParts(object.key));
  }

  /**
   * Removes the entries of keys under `prefix` that `live` (a complete listing of that prefix) does not
   * hold with the same ETag: a deleted object's copy, or the old copy of a rewritten one. Entries of
   * listed objects and downloads in progress are kept, so a reader of the current listing is never
   * disturbed. Best effort: a failure to prune never fails the listing.
   */
  async prune(prefix: string, live: LakeObject[]): Promise<void> {
    const keep = new Set(live.map(entryHash));
    for (const file of this.inFlight.keys()) keep.add(path.relative(this.dir, file).split(path.sep)[0]);
    // Only hash folders holding the prefix's deepest folder can hold a key under it.
    const folder = keyParts(prefix.slice(0, prefix.lastIndexOf('/') + 1));
    let hashes: string[];
    try {
      hashes = (await fsp.readdir(this.dir, { withFileTypes: true })).filter((e) => e.isDirectory() && !keep.has(e.name)).map((e) => e.name);
    } catch {
      return;
    }
    await forEachLimit(hashes, 16, async (hash) => {
      const base = path.join(this.dir, hash);
      const entries = await fsp.readdir(path.join(base, ...folder), { recursive: true, withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        if (!entry.isFile() || entry.name.endsWith('.part')) continue;
        const file = path.join(entry.parentPath, entry.name);
        const key = path.relative(base, file).split(path.sep).join('/');
        if (!key.startsWith(prefix)) continue;
        await fsp.rm(file, { force: true });
        this.stats.pruned++;
        // The emptied folders up to the hash folder; a folder still holding something (another
        // process's download in progress) stays.
        for (let dir = path.dirname(file); dir.startsWith(base); dir = path.dirname(dir)) {
          if (!(await fsp.rmdir(dir).then(() => true, () => false))) break;
        }
      }
    }).catch(() => undefined);
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

function entryHash(object: LakeObject): string {
  return createHash('sha256').update(`${object.key}\0${object.etag}\0${object.size}`).digest('hex').slice(0, 24);
}

/** A key's path segments, without any that could climb out of the entry's folder. */
function keyParts(key: string): string[] {
  return key.split('/').filter((part) => part !== '' && part !== '.' && part !== '..');
}

/** Runs `run` over items, `limit` at a time. */
async function forEachLimit<T>(items: T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await run(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fsp.stat(file)).isFile();
  } catch {
    return false;
  }
}
