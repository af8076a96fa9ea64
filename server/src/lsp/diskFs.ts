// The server's view of the disk: synchronous reads behind the async FileSystem interface. Reading
// 10,000 small files one by one with readFileSync takes a fraction of the time that as many
// concurrent fs.promises reads take, and the cold index runs before any request is served anyway.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import type { DirEntry, FileSystem } from '../../../runtime/project/fs.js';

export class DiskFileSystem implements FileSystem {
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
    try {
      statSync(file);
      return true;
    } catch {
      return false;
    }
  }
}
