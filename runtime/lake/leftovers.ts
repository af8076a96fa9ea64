// What a killed run leaves behind: hidden temp names in the local lake and scratch folders carry the
// PID of the process that made them, so a later run removes those whose process is gone.
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

/** Temp, staging and retired names in the local lake start with this; listings skip them. */
export const HIDDEN = '.medallion-';

/** `.medallion-<name>-<pid>-<8 hex>`, with `.new` or `.old` for a publish's staging and retired folders. */
const TAGGED = /^\.medallion-(.+)-(\d+)-[0-9a-f]{8}(\.new|\.old)?$/;

/** A hidden name for a temp sibling of `name`, owned by this process. */
export function hiddenName(name: string): string {
  return `${HIDDEN}${name}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** A scratch folder name owned by this process: `<pid>-<run id>`. */
export function scratchName(runId: string): string {
  return `${process.pid}-${runId}`;
}

/** Whether the process is still running (one of another user counts as running). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a hidden lake entry belongs to a process that is gone (names without an owner are left alone). */
export function isLeftover(name: string): boolean {
  const m = TAGGED.exec(name);
  return m !== null && !isAlive(Number(m[2]));
}

/**
 * Removes the leftovers of dead processes among `dir`'s entries. A publish killed between its two
 * renames left the model's folder missing: the complete staging copy (or else the retired one) is
 * put back in its place first.
 */
export async function reclaimLakeDir(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return;
  }
  const present = new Set(names);
  for (const name of names) {
    const m = TAGGED.exec(name);
    if (!m || isAlive(Number(m[2])) || !present.has(name)) continue;
    const target = path.join(dir, m[1]);
    const stem = name.slice(0, name.length - (m[3]?.length ?? 0));
    if (m[3] && !present.has(m[1])) {
      const restore = present.has(`${stem}.old`) ? (present.has(`${stem}.new`) ? `${stem}.new` : `${stem}.old`) : undefined;
      if (restore) {
        await fsp.rename(path.join(dir, restore), target);
        present.delete(restore);
        present.add(m[1]);
      }
    }
    for (const leftover of m[3] ? [`${stem}.new`, `${stem}.old`] : [name]) {
      if (!present.delete(leftover)) continue;
      await fsp.rm(path.join(dir, leftover), { recursive: true, force: true });
    }
  }
}

/** Removes the scratch folders under `dir` whose run's process is gone. */
export async function reclaimScratch(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = /^(\d+)-/.exec(name)?.[1];
    if (pid !== undefined && !isAlive(Number(pid))) await fsp.rm(path.join(dir, name), { recursive: true, force: true });
  }
}
