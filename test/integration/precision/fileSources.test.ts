// A pipeline.yml source declaring no columns is typed in the editor exactly as `medallion build` loads
// it: the analysis's columns (fileSchema.ts) against the bronze table of a real build of the same project.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeFileSystem } from '../../../runtime/project/fs.js';
import { loadProject } from '../../../runtime/project/load.js';
import { buildGraph } from '../../../runtime/graph/dag.js';
import { runPipeline } from '../../../runtime/run/runner.js';
import { openWarehouse } from '../../../runtime/engine/duckdb.js';
import { Workspace } from '../../../server/src/analysis/workspace.js';

const FILES: Record<string, string> = {
  'pipeline.yml': 'name: clicks\nlake: ./lake\nwarehouse: ./warehouse.duckdb\nsources:\n  clicks:\n    format: json\n    path: bronze/clicks/**/*.json\n  visits:\n    format: csv\n    path: bronze/visits/*.csv\n  orders:\n    format: json\n    path: bronze/orders/*.json\n    columns:\n      id: { type: integer }\n      note: {}\n',
  'lake/bronze/clicks/day=2026-01-02/a.json': '{"id": 1, "page": "/home", "ms": 12.5, "seen_at": "2026-01-02 10:00:00", "tags": ["a"], "meta": {"ok": true}}\n{"id": 2, "page": "/buy", "ms": 3, "seen_at": "2026-01-02 10:01:00", "tags": []}\n',
  'lake/bronze/clicks/day=2026-01-03/b.json': '[{"id": 3, "page": "/home", "ms": 1, "seen_at": "2026-01-03 09:00:00", "extra": 7}]\n',
  'lake/bronze/visits/v.csv': 'id;page;day\n1;/home;2026-01-02\n',
  'lake/bronze/orders/o.json': '{"id": 1, "note": 42}\n',
  'models/silver/pages.sql': "select c.page, c.ms, v.day, o.note from {{ source('bronze', 'clicks') }} c join {{ source('bronze', 'visits') }} v on v.page = c.page join {{ source('bronze', 'orders') }} o on o.id = c.id\n",
};

test('sources declaring no columns (JSON with hive partitions, CSV) and an untyped declared column: typed as the build loads them', async () => {
  const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'medallion-files-build-')));
  try {
    for (const [file, text] of Object.entries(FILES)) {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), text);
    }
    const ws = await Workspace.open(new NodeFileSystem(), root);
    await ws.binder.bindFiles(['models/silver/pages.sql']);
    const editor = Object.fromEntries(['clicks', 'visits', 'orders'].map((t) => [t, ws.snapshot().columns(`source.bronze.${t}`).map((c) => `${c.name} ${c.type}`.toUpperCase())]));
    await ws.binder.close();

    const project = await loadProject(new NodeFileSystem(), root);
    const run = await runPipeline(project, buildGraph(project), { command: 'build', threads: 1 });
    assert.equal(run.success, true, JSON.stringify(run.errors));
    const db = await openWarehouse(path.join(root, 'warehouse.duckdb'), { readOnly: true });
    try {
      for (const table of ['clicks', 'visits', 'orders']) {
        const built = (await db.describe(`SELECT * FROM bronze.${table}`)).map((c) => `${c.name} ${c.type}`.toUpperCase());
        assert.deepEqual(editor[table], built, table);
      }
    } finally {
      db.close();
    }
    // Not vacuous: the editor knew every source's columns before the build.
    assert.equal(editor.clicks.length, 8, editor.clicks.join(", "));
    assert.deepEqual(editor.orders, ['ID INTEGER', 'NOTE VARCHAR']);
    assert.deepEqual(editor.visits, ['ID VARCHAR', 'PAGE VARCHAR', 'DAY VARCHAR']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
