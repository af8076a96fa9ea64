// Makes sure medallion.vsix exists and is newer than everything it is built from; rebuilds it
// (npm run build && npm run package) when it is missing or stale.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const VSIX = path.join(ROOT, 'medallion.vsix');
const INPUTS = ['client/src', 'server/src', 'runtime', 'syntaxes', 'package.json', 'package-lock.json', 'scripts/build.mjs', 'scripts/package.mjs', 'docs/extension.md', '.vscodeignore'];

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const stat = statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(p).map((name) => newestMtime(path.join(p, name))));
}

export function ensureVsix(log: (line: string) => void = console.log): string {
  const built = existsSync(VSIX) ? statSync(VSIX).mtimeMs : 0;
  const stale = INPUTS.map((p) => path.join(ROOT, p)).find((p) => newestMtime(p) > built);
  if (!stale) return VSIX;
  log(`packaging the extension (${built ? `${path.relative(ROOT, stale)} changed` : 'no medallion.vsix'})`);
  for (const script of ['build', 'package']) {
    const result = spawnSync('npm', ['run', script], { cwd: ROOT, stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`npm run ${script} failed (exit ${result.status ?? result.signal})`);
  }
  return VSIX;
}
