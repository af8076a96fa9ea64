// Issue 15, item 9: a run refused by the warehouse lock keeps the last target/run_results.json;
// every run that started is also kept in target/runs/<run id>/, pruned to the last 20.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { openWarehouse } from '../../runtime/engine/duckdb.js';
import { buildGraph } from '../../runtime/graph/dag.js';
import { NodeFileSystem } from '../../runtime/project/fs.js';
import { loadProject } from '../../runtime/project/load.js';
import { runPipeline } from '../../runtime/run/runner.js';
import { sentinel } from './sentinel.js';

test('a locked warehouse does not overwrite the last run_results.json; history keeps the last 20 runs', async (t) => {
  const s = sentinel(`
//- /pipeline.yml
name: shop
//- /models/a.sql
{{ config(materialized='table') }}
select 1 as id
`);
  t.after(() => s.dispose());
  const before = s.around();
  const project = await loadProject(new NodeFileSystem(), s.root);
  const graph = buildGraph(project);
  const good = await runPipeline(project, graph, { threads: 1 });
  assert.equal(good.success, true);
  const latest = path.join(s.root, 'target/run_results.json');
  const saved = readFileSync(latest, 'utf8');
  assert.equal(JSON.parse(saved).metadata.invocation_id, good.runId);
  assert.equal(readFileSync(path.join(s.root, 'target/runs', good.runId, 'run_results.json'), 'utf8'), saved);

  const holder = await openWarehouse(path.join(s.root, 'warehouse.duckdb'));
  try {
    const refused = await runPipeline(project, graph, { threads: 1 });
    assert.equal(refused.success, false);
    assert.match(refused.errors[0].message, /already open|in use/);
  } finally {
    holder.close();
  }
  assert.equal(readFileSync(latest, 'utf8'), saved);
  assert.deepEqual(readdirSync(path.join(s.root, 'target/runs')), [good.runId]);

  // Older runs beyond the last 20 are pruned.
  for (let i = 0; i < 25; i++) {
    mkdirSync(path.join(s.root, `target/runs/20200101T0000${String(i).padStart(2, '0')}Z-000000`), { recursive: true });
    writeFileSync(path.join(s.root, `target/runs/20200101T0000${String(i).padStart(2, '0')}Z-000000/run_results.json`), '{}');
  }
  const next = await runPipeline(project, graph, { threads: 1 });
  const kept = readdirSync(path.join(s.root, 'target/runs')).sort();
  assert.equal(kept.length, 20);
  assert.deepEqual(kept.slice(-2), [good.runId, next.runId].sort());
  assert.deepEqual(s.around(), before);
});
