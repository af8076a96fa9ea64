// The files `medallion sample` generated, kept in <dir>/.medallion/sample-manifest.json, so --clean
// deletes those files and nothing else: never a glob's match, never through a symlink out of the lake.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { isInside, realInside, writeFileInside } from '../lake/within.js';

interface Manifest {
  /** Absolute paths of generated files. */
  files: string[];
}

export class SampleManifest {
  private readonly file: string;

  /** `dir`: the project (or, without one, the --out folder) whose .medallion/ keeps the manifest. */
  constructor(private readonly dir: string) {
    this.file = path.join(dir, '.medallion', 'sample-manifest.json');
  }

  /** Adds generated files. */
  async record(files: string[]): Promise<void> {
    const known = await this.read();
    await this.write([...new Set([...known, ...files.map((f) => path.resolve(f))])]);
  }

  /**
   * Deletes the recorded files under `folder` that are still regular files inside `lakeDir` after
   * symlinks, then the folders they leave empty (up to `folder`). Returns how many files went.
   */
  async clean(lakeDir: string, folder: string): Promise<number> {
    const known = await this.read();
    const kept: string[] = [];
    let deleted = 0;
    for (const file of known) {
      if (!path.isAbsolute(file) || !isInside(folder, file)) {
        kept.push(file);
        continue;
      }
      const stat = await fsp.lstat(file).catch(() => undefined);
      if (!stat?.isFile() || !(await realInside(lakeDir, file))) continue;
      await fsp.rm(file);
      deleted++;
      for (let dir = path.dirname(file); isInside(folder, dir) && dir !== path.resolve(folder); dir = path.dirname(dir)) {
        if (!(await fsp.rmdir(dir).then(() => true, () => false))) break;
      }
    }
    await this.write(kept);
    return deleted;
  }

  private async read(): Promise<string[]> {
    try {
      const parsed = JSON.parse(await fsp.readFile(this.file, 'utf8')) as Partial<Manifest>;
      return Array.isArray(parsed.files) ? parsed.files.filter((f): f is string => typeof f === 'string') : [];
    } catch {
      return [];
    }
  }

  private async write(files: string[]): Promise<void> {
    const manifest: Manifest = { files };
    await writeFileInside(this.dir, this.file, JSON.stringify(manifest, null, 2) + '\n');
  }
}
