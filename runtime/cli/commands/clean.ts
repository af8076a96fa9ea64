// `medallion clean`: deletes the folders `clean-targets` names (dbt's default: the target path), as
// `dbt clean` does. Only folders strictly inside the project, after symlinks; anything else refuses
// the whole clean before a file is deleted.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { isInside, realTarget } from '../../lake/within.js';
import { NodeFileSystem } from '../../project/fs.js';
import { loadConfig } from '../../project/load.js';
import { action, displayPath, findProjectRoot, projectDir, stdio, UserError, type Io, type ProjectOptions } from '../context.js';

export function register(program: Command): void {
  program
    .command('clean')
    .description("delete the folders listed in clean-targets (default: the target path), only ever inside the project")
    .option('--project <dir>', 'the project folder (default: the nearest folder upwards with a config file)')
    .option('--project-dir <dir>', "the same as --project (dbt's name)")
    .action(action((options: ProjectOptions) => clean(options)));
}

export async function clean(options: ProjectOptions, io: Io = stdio): Promise<number> {
  const fs = new NodeFileSystem();
  const root = await findProjectRoot(fs, projectDir(options), io.cwd);
  const { value } = await loadConfig(fs, root.split(path.sep).join('/'));
  const realRoot = (await realTarget(root))!;
  const folders: string[] = [];
  for (const target of value.config.cleanTargets) {
    const folder = path.resolve(root, target);
    const real = await realTarget(folder);
    // The project itself, a folder above it, or a link leading out of it are never deleted.
    if (real === undefined || real === realRoot || !isInside(realRoot, real) || !isInside(root, folder)) {
      throw new UserError(`clean-targets entry '${target}' is not a folder inside the project; nothing was deleted`);
    }
    folders.push(folder);
  }
  for (const folder of folders) {
    const shown = displayPath(io.cwd, folder) || '.';
    const stat = await fsp.lstat(folder).catch(() => undefined);
    if (!stat) {
      io.out(`${shown}/ is not there`);
      continue;
    }
    await fsp.rm(folder, { recursive: true, force: true });
    io.out(`deleted ${shown}${stat.isDirectory() ? '/' : ''}`);
  }
  return 0;
}
