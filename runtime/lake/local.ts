// The lake as a local folder (the default): keys are paths under the root; publishing a folder is
// a copy into a hidden temp sibling followed by a rename swap, so readers never see half a version.
// Nothing is read, written or deleted through a symlink leading out of the lake.
import { constants as fsConstants, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { LakeError, type Lake, type LakeObject } from './lake.js';
import { HIDDEN, hiddenName, isLeftover, reclaimLakeDir } from './leftovers.js';
import { realInside } from './within.js';

export class LocalLake implements Lake {
  readonly root: string;

  constructor(root: string, readonly describe: string = root) {
    this.root = path.resolve(root);
  }

  async check(): Promise<void> {
    try {
      await fsp.mkdir(this.root, { recursive: true });
      await fsp.access(this.root, fsConstants.W_OK);
    } catch (err) {
      throw new LakeError(`The lake folder ${this.describe} cannot be used: ${(err as Error).message}`);
    }
    // A run starts here: the staging copies of killed runs sit beside the published folders.
    await reclaimLakeDir(this.root);
    for (const entry of await fsp.readdir(this.root, { withFileTypes: true })) {
      if (entry.isDirectory()) await reclaimLakeDir(path.join(this.root, entry.name));
    }
  }

  async list(prefix: string): Promise<LakeObject[]> {
    // A prefix is a string prefix of keys (as in S3); walk the deepest folder it names.
    const dir = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const out: LakeObject[] = [];
    // The walk enters real folders only, so checking where it starts keeps it inside the lake.
    await this.contained(dir);
    await this.walk(dir, out);
    return out.filter((o) => o.key.startsWith(prefix)).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  private async walk(dir: string, out: LakeObject[]): Promise<void> {
    let entries;
    try {
      entries = await fsp.readdir(this.file(dir), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.name.startsWith(HIDDEN)) {
        if (isLeftover(entry.name)) await fsp.rm(this.file(dir ? `${dir}/${entry.name}` : entry.name), { recursive: true, force: true });
        continue;
      }
      const key = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await this.walk(key, out);
      else if (entry.isFile()) {
        const stat = await fsp.stat(this.file(key));
        out.push({ key, size: stat.size, etag: `${stat.size}-${Math.trunc(stat.mtimeMs)}` });
      }
    }
  }

  async localPath(object: LakeObject): Promise<string> {
    return this.contained(object.key);
  }

  async publishDirectory(dir: string, prefix: string): Promise<void> {
    const target = await this.contained(prefix.replace(/\/+$/, ''));
    const parent = path.dirname(target);
    const tag = hiddenName(path.basename(target));
    const staging = path.join(parent, `${tag}.new`);
    const retired = path.join(parent, `${tag}.old`);
    await fsp.mkdir(parent, { recursive: true });
    try {
      await fsp.cp(dir, staging, { recursive: true });
    } catch (err) {
      await fsp.rm(staging, { recursive: true, force: true });
      throw new LakeError(`Could not write ${prefix} in the lake ${this.describe}: ${(err as Error).message}`);
    }
    // The old version is moved aside only once the new one is complete, and restored if the swap fails.
    const hadOld = await exists(target);
    if (hadOld) await fsp.rename(target, retired);
    try {
      await fsp.rename(staging, target);
    } catch (err) {
      if (hadOld) await fsp.rename(retired, target);
      await fsp.rm(staging, { recursive: true, force: true });
      throw new LakeError(`Could not publish ${prefix} in the lake ${this.describe}: ${(err as Error).message}`);
    }
    if (hadOld) await fsp.rm(retired, { recursive: true, force: true });
  }

  async put(key: string, body: Buffer | string): Promise<void> {
    await this.writeAtomically(key, (temp) => fsp.writeFile(temp, body));
  }

  async putFile(key: string, file: string): Promise<void> {
    await this.writeAtomically(key, (temp) => fsp.copyFile(file, temp));
  }

  /** Writes a hidden temp sibling (skipped by listings), then renames it over the key: no reader sees half a file. */
  private async writeAtomically(key: string, write: (temp: string) => Promise<void>): Promise<void> {
    const file = await this.contained(key);
    await fsp.mkdir(path.dirname(file), { recursive: true });
    const temp = path.join(path.dirname(file), hiddenName(path.basename(file)));
    try {
      await write(temp);
      await fsp.rename(temp, file);
    } catch (err) {
      await fsp.rm(temp, { force: true });
      throw err;
    }
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await fsp.readFile(await this.contained(key));
    } catch {
      return undefined;
    }
  }

  async deletePrefix(prefix: string): Promise<void> {
    const trimmed = prefix.replace(/\/+$/, '');
    const target = await this.contained(trimmed);
    if (prefix.endsWith('/') || (await isDirectory(target))) {
      await fsp.rm(target, { recursive: true, force: true });
      return;
    }
    for (const object of await this.list(prefix)) await fsp.rm(this.file(object.key), { force: true });
  }

  /** The absolute path of a key, checked to stay inside the lake once symlinks are followed. */
  private async contained(key: string): Promise<string> {
    const file = this.file(key);
    if (!(await realInside(this.root, file))) throw new LakeError(`The key ${key} leads outside the lake ${this.describe} through a symlink`);
    return file;
  }

  /** The absolute path of a key; keys never escape the root. */
  private file(key: string): string {
    const resolved = path.resolve(this.root, key);
    if (resolved !== this.root && !resolved.startsWith(this.root + path.sep)) {
      throw new LakeError(`The key ${key} is outside the lake ${this.describe}`);
    }
    return resolved;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fsp.stat(file);
    return true;
  } catch {
    return false;
  }
}

async function isDirectory(file: string): Promise<boolean> {
  try {
    return (await fsp.stat(file)).isDirectory();
  } catch {
    return false;
  }
}
