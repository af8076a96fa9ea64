// Which folder is the project: the workspace folder itself when it holds pipeline.yml or
// dbt_project.yml, else the shallowest folder below it that does (a repository with the project in
// a subfolder), else the workspace folder.
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

const PROJECT_FILES = ['pipeline.yml', 'pipeline.yaml', 'dbt_project.yml'];
const SKIP = new Set(['node_modules', 'target', 'dbt_packages', 'logs', 'dist', 'lake']);
const MAX_DEPTH = 3;

export function findProjectRoot(folder: string): string {
  let level = [folder];
  for (let depth = 0; depth <= MAX_DEPTH && level.length; depth++) {
    const found = level.filter((dir) => PROJECT_FILES.some((f) => existsSync(path.join(dir, f)))).sort()[0];
    if (found) return found;
    level = level.flatMap((dir) => {
      try {
        return readdirSync(dir, { withFileTypes: true })
          .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !SKIP.has(e.name))
          .map((e) => path.join(dir, e.name));
      } catch {
        return [];
      }
    });
  }
  return folder;
}
