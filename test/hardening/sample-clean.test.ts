// Issue 15, item 1: `medallion sample --clean` deletes only the files sample generated (its
// manifest), inside the lake, after symlinks; a source path climbing out of the project is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { sample, type SampleCommandOptions } from '../../runtime/cli/commands/sample.js';
import type { Io } from '../../runtime/cli/context.js';
import { sentinel } from './sentinel.js';

const OPTIONS: SampleCommandOptions = { events: 50, seed: 7, days: 1, start: '2026-01-01', malformed: 0, source: 'app_logs' };

function quiet(cwd: string): Io {
  return { out: () => undefined, err: () => undefined, cwd };
}

test('a source path ../../**/*.json is refused by sample --clean: nothing around the project is deleted or written', async (t) => {
  const s = sentinel(`
//- /pipeline.yml
name: evil
lake: ./lake
sources:
  app_logs:
    format: json
    path: ../../**/*.json
`);
  t.after(() => s.dispose());
  const before = s.around();
  await assert.rejects(sample({ ...OPTIONS, clean: true, project: s.root }, quiet(s.box)), /outside/);
  assert.deepEqual(s.around(), before);
  assert.ok(existsSync(path.join(s.root, 'pipeline.yml')), 'the project itself was deleted');
});

test('--clean removes the files sample generated and nothing else: not a stale file, not a manifest entry outside the lake', async (t) => {
  const s = sentinel(`
//- /pipeline.yml
name: clicks
lake: ./lake
sources:
  app_logs:
    format: json
    path: bronze/app_logs/**/*.json
//- /lake/bronze/app_logs/mine.json
{"kept": true}
`);
  t.after(() => s.dispose());
  const io = quiet(s.box);
  assert.equal(await sample({ ...OPTIONS, project: s.root }, io), 0);
  assert.equal(await sample({ ...OPTIONS, seed: 8, clean: true, project: s.root }, io), 0);
  const files = (readdirSync(path.join(s.root, 'lake/bronze/app_logs'), { recursive: true }) as string[]).filter((f) => f.endsWith('.json')).sort();
  assert.deepEqual(files, ['mine.json', 'year=2026/month=01/day=01/part-8-0000.json']);

  // A manifest shipped with an untrusted project names files outside the lake: they stay.
  const before = s.around();
  mkdirSync(path.join(s.root, '.medallion'), { recursive: true });
  writeFileSync(path.join(s.root, '.medallion/sample-manifest.json'), JSON.stringify({ files: [path.join(s.box, 'outside/keep.json'), '../../../outside/keep.json', path.join(s.root, 'lake/bronze/app_logs/../../../../../outside/deep/year=2026/keep.json')] }));
  assert.equal(await sample({ ...OPTIONS, clean: true, project: s.root }, io), 0);
  assert.deepEqual(s.around(), before);
});

test('--clean and the writes do not follow a symlink out of the lake', async (t) => {
  const s = sentinel(`
//- /pipeline.yml
name: clicks
lake: ./lake
sources:
  app_logs:
    format: json
    path: bronze/app_logs/**/*.json
`);
  t.after(() => s.dispose());
  mkdirSync(path.join(s.root, 'lake/bronze'), { recursive: true });
  symlinkSync(path.join(s.box, 'outside'), path.join(s.root, 'lake/bronze/app_logs'));
  const before = s.around();
  await assert.rejects(sample({ ...OPTIONS, clean: true, project: s.root }, quiet(s.box)), /outside/);
  assert.deepEqual(s.around(), before);
});
