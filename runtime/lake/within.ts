// Containment after symlinks: where a path really leads (through the links of its deepest existing
// ancestor) and whether that stays inside a root. Every write or delete for a project checks it.
import { lstatSync, promises as fsp, realpathSync } from 'node:fs';
import * as path from 'node:path';

/** Whether `target` is `root` or under it, compared as resolved absolute paths (links not followed). */
export function isInside(root: string, target: string): boolean {
  const rel = path.relative(path.resolve(root), path.resolve(target));
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/**
 * Where a read or write of `target` lands: the real path of its deepest existing ancestor with the
 * rest appended. Undefined when a dangling symlink is on the way (a write would create its target).
 */
export async function realTarget(target: string): Promise<string | undefined> {
  // Synchronous calls: each is microseconds, where an async one costs thread-pool round trips (a
  // project with a hundred source paths checks them all when it loads).
  const rest: string[] = [];
  for (let p = path.resolve(target); ; p = path.dirname(p)) {
    try {
      return path.join(realpathSync.native(p), ...rest);
    } catch {
      if (present(p)) return undefined;
      if (path.dirname(p) === p) return path.resolve(target);
      rest.unshift(path.basename(p));
    }
  }
}

/** Whether something (a dangling symlink included) is at `p`; any error (missing, not a directory, no access) is no. */
function present(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/** Whether `target` stays inside `root` once both are resolved through symlinks. */
export async function realInside(root: string, target: string): Promise<boolean> {
  const [base, real] = await Promise.all([realTarget(root), realTarget(target)]);
  return base !== undefined && real !== undefined && isInside(base, real);
}

/** Creates `dir` (and its parents) after checking it stays inside `root`; throws when it would not. */
export async function mkdirInside(root: string, dir: string): Promise<void> {
  if (!(await realInside(root, dir))) throw new Error(`${dir} leads outside ${root} (through '..' or a symlink); nothing was written there`);
  await fsp.mkdir(dir, { recursive: true });
}

/**
 * Writes `file` inside `root` by a fresh temp file renamed over it: a reader never sees half a
 * file, and a symlink planted at the name is replaced rather than followed.
 */
export async function writeFileInside(root: string, file: string, text: string): Promise<void> {
  await mkdirInside(root, path.dirname(file));
  const temp = `${file}.${process.pid}.tmp`;
  await fsp.rm(temp, { force: true });
  await fsp.writeFile(temp, text, { flag: 'wx' });
  await fsp.rename(temp, file);
}
