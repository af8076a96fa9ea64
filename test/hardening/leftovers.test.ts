// Issue 15, item 6: what a killed run leaves (partial `.medallion-*.new` copies in the lake, its
// scratch folder) is reclaimed by the next run once the process that made it is gone; the scratch
// lives under the project's .medallion/, not the system temp folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildGraph } from '../../runtime/graph/dag.js';
import { NodeFileSystem } from '../../runtime/project/fs.js';
import { loadProject } from '../../runtime/project/load.js';
import { runPipeline } from '../../runtime/run/runner.js';
import { sentinel } from './sentinel.js';

/** The PID of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '0']);
  assert.equal(child.status, 0);
  return child.pid!;
}

test("a killed run's partial copies and scratch are reclaimed by the next run; a live process's are kept", async (t) => {
  const s = sentinel(`
//- /pipeline.yml
name: shop
lake: ./lake
sources:
  items: { format: json, path: bronze/items/*.json, columns: { id: { type: integer } } }
//- /lake/bronze/items/a.json
{"id": 1}
//- /models/silver/items_clean.sql
{{ config(materialized='table') }}
select id from {{ source('bronze', 'items') }}
//- /seeds/codes.csv
code
a
`);
  t.after(() => s.dispose());
  const dead = deadPid();
  const live = process.pid;
  s.write(`lake/silver/.medallion-items_clean-${dead}-deadbeef.new/part-0.parquet`, 'half a file');
  s.write(`lake/silver/.medallion-items_clean-${live}-cafebabe.new/part-0.parquet`, 'a run still going');
  s.write(`lake/bronze/items/.medallion-b.json-${dead}-0badf00d`, '{"id": 2');
  s.write(`lake/gold/.medallion-orphan-${dead}-01234567.old/part-0.parquet`, 'previous version');
  s.write(`lake/gold/.medallion-orphan-${dead}-01234567.new/part-0.parquet`, 'complete new version');
  s.write(`.medallion/scratch/${dead}-20260101T000000Z-abcdef/parquet/x.parquet`, 'scratch');
  s.write(`.medallion/scratch/${live}-20260101T000000Z-fedcba/keep`, 'scratch of a live run');

  const before = s.around();
  const project = await loadProject(new NodeFileSystem(), s.root);
  const scratch: string[] = [];
  const run = await runPipeline(project, buildGraph(project), { command: 'build', threads: 1, hooks: { runSeed: async (ctx) => (scratch.push(ctx.tempDir), { status: 'success' }) } });
  assert.equal(run.success, true, JSON.stringify(run.errors.concat(run.results.flatMap((r) => (r.error ? [r.error] : [])))));

  assert.deepEqual(readdirSync(path.join(s.root, 'lake/silver')).sort(), [`.medallion-items_clean-${live}-cafebabe.new`, 'items_clean']);
  assert.deepEqual(readdirSync(path.join(s.root, 'lake/bronze/items')), ['a.json']);
  // Killed between the two renames of a publish: the complete new version takes the model's place.
  assert.deepEqual(readdirSync(path.join(s.root, 'lake/gold')), ['orphan']);
  assert.equal(readFileSync(path.join(s.root, 'lake/gold/orphan/part-0.parquet'), 'utf8'), 'complete new version');
  assert.deepEqual(readdirSync(path.join(s.root, '.medallion/scratch')), [`${live}-20260101T000000Z-fedcba`]);

  assert.equal(scratch.length, 1);
  assert.ok(scratch[0].startsWith(path.join(s.root, '.medallion', 'scratch') + path.sep), `scratch at ${scratch[0]}`);
  assert.equal(existsSync(scratch[0]), false, 'the scratch of a finished run is removed');
  assert.deepEqual(s.around(), before);
});
