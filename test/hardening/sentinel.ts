// A project folder inside a sentinel folder, for the hardening tests: everything around the
// project is listed (with contents) before and after, so a write or delete outside it shows.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fixture } from '../support/fixture.js';

export interface Sentinel {
  /** The sentinel folder: <box>/outside/… and the project at <box>/a/project. */
  box: string;
  root: string;
  write(file: string, text: string): void;
  /** Every path under the box except the project's, with a fingerprint of each file's content. */
  around(): string[];
  dispose(): void;
}

export function sentinel(projectFixture: string): Sentinel {
  const box = mkdtempSync(path.join(os.tmpdir(), 'medallion-sentinel-'));
  const root = path.join(box, 'a', 'project');
  const put = (file: string, text: string): void => {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  };
  put(path.join(box, 'outside', 'keep.json'), '{"precious": true}\n');
  put(path.join(box, 'outside', 'deep', 'year=2026', 'keep.json'), '{"precious": 2}\n');
  put(path.join(box, 'a', 'sibling.json'), '{"sibling": true}\n');
  for (const [file, text] of Object.entries(fixture(projectFixture).files)) put(path.join(root, file), text);
  const around = (): string[] => {
    const out: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, e.name);
        if (full === root) continue;
        if (e.isDirectory()) {
          out.push(`${path.relative(box, full)}/`);
          walk(full);
        } else out.push(`${path.relative(box, full)} ${e.isFile() ? readFileSync(full, 'utf8').length : 'link'} ${statSync(full, { throwIfNoEntry: false })?.mtimeMs ?? ''}`);
      }
    };
    walk(box);
    return out.sort();
  };
  return { box, root, write: (file, text) => put(path.join(root, file), text), around, dispose: () => rmSync(box, { recursive: true, force: true }) };
}
