// `medallion source freshness` on a real DuckDB file: pass, warn, error and runtime error as dbt gives
// them, exit 1 on error, and target/sources.json accepted by dbt's published schema (sources v3);
// a pipeline.yml source is judged by its last bronze load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { sourceFreshness } from '../../../runtime/cli/commands/source.js';
import type { Io } from '../../../runtime/cli/context.js';
import { openWarehouse } from '../../../runtime/engine/duckdb.js';
import { runCommand } from '../../../runtime/cli/commands/run.js';
import { jsonl, tempProject } from './project.js';

function validateSources(data: unknown, schema = 'sources-v3.json'): string[] {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(path.resolve('test/fixtures/dbt-schemas', schema), 'utf8')));
  return validate(data) ? [] : (validate.errors ?? []).slice(0, 10).map((e: ErrorObject) => `${e.instancePath} ${e.message}`);
}

function capture(root: string): Io & { out_: string[]; err_: string[] } {
  const out_: string[] = [];
  const err_: string[] = [];
  return { out_, err_, cwd: root, out: (l) => out_.push(l), err: (l) => err_.push(l) };
}

/** A dbt project's files before its sources: the DuckDB profile. */
const PROFILE = `
//- /profiles.yml
shop:
  target: dev
  outputs:
    dev: { type: duckdb, path: warehouse.duckdb }
`;

const DBT = `${PROFILE}
//- /dbt_project.yml
name: shop
profile: shop
target-path: out
//- /models/sources.yml
version: 2
sources:
  - name: raw
    loaded_at_field: loaded_at
    freshness:
      warn_after: {count: 1, period: hour}
      error_after: {count: 1, period: day}
    tables:
      - name: fresh
      - name: lagging
      - name: stale
      - name: naive
        loaded_at_field: "ts::timestamp"
      - name: filtered
        freshness:
          filter: "no_such_column > 0"
      - name: empty
      - name: unchecked
        freshness: null
      - name: no_field
        loaded_at_field: null
//- /models/orders.sql
select * from {{ source('raw', 'fresh') }}
`;

test('source freshness: pass, warn, error, runtime error; exit 1; sources.json in dbt v3 under target-path', async (t) => {
  const p = tempProject(DBT);
  t.after(() => p.dispose());
  const db = await openWarehouse(path.join(p.root, 'warehouse.duckdb'));
  await db.exec(`CREATE SCHEMA raw;
    CREATE TABLE raw.fresh AS SELECT now() - INTERVAL 5 MINUTE AS loaded_at;
    CREATE TABLE raw.lagging AS SELECT * FROM (VALUES (now() - INTERVAL 3 HOUR), (now() - INTERVAL 2 DAY)) v(loaded_at);
    CREATE TABLE raw.stale AS SELECT now() - INTERVAL 3 DAY AS loaded_at;
    CREATE TABLE raw.naive AS SELECT strftime(now() AT TIME ZONE 'UTC' - INTERVAL 30 MINUTE, '%Y-%m-%d %H:%M:%S') AS ts;
    CREATE TABLE raw.filtered AS SELECT now() AS loaded_at;
    CREATE TABLE raw.empty (loaded_at TIMESTAMPTZ);
    CREATE TABLE raw.unchecked AS SELECT now() - INTERVAL 100 DAY AS loaded_at;
    CREATE TABLE raw.no_field AS SELECT now() AS loaded_at;`);
  db.close();

  const io = capture(p.root);
  const code = await sourceFreshness({ project: p.root }, io);
  assert.equal(code, 1, [...io.out_, ...io.err_].join('\n'));
  const text = io.out_.join('\n');
  assert.match(text, /PASS freshness of raw\.fresh · newest row 5m ago \(warn after 1 hour, error after 1 day\)/);
  assert.match(text, /WARN freshness of raw\.lagging · newest row 3h 0m ago/);
  assert.match(text, /ERROR STALE freshness of raw\.stale · newest row 3d 0h ago/);
  assert.match(text, /ERROR STALE freshness of raw\.empty · no rows/);
  assert.match(text, /PASS=2 WARN=1 ERROR=2 RUNTIME_ERROR=2/);
  assert.doesNotMatch(text, /unchecked/);

  const sources = JSON.parse(readFileSync(path.join(p.root, 'out/sources.json'), 'utf8'));
  assert.deepEqual(validateSources(sources), []);
  const by = Object.fromEntries(sources.results.map((r: { unique_id: string; status: string }) => [r.unique_id, r]));
  assert.deepEqual(Object.fromEntries(Object.entries(by).map(([id, r]) => [id, (r as { status: string }).status])), {
    'source.shop.raw.fresh': 'pass',
    'source.shop.raw.lagging': 'warn',
    'source.shop.raw.stale': 'error',
    'source.shop.raw.naive': 'pass',
    'source.shop.raw.filtered': 'runtime error',
    'source.shop.raw.empty': 'error',
    'source.shop.raw.no_field': 'runtime error',
  });
  const naive = by['source.shop.raw.naive'];
  // A TIMESTAMP without a zone is read as UTC, as dbt reads it.
  assert.ok(naive.max_loaded_at_time_ago_in_s > 1700 && naive.max_loaded_at_time_ago_in_s < 1900, String(naive.max_loaded_at_time_ago_in_s));
  assert.match(naive.max_loaded_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/);
  assert.deepEqual(by['source.shop.raw.fresh'].criteria, { warn_after: { count: 1, period: 'hour' }, error_after: { count: 1, period: 'day' }, filter: null });
  assert.match(by['source.shop.raw.filtered'].error, /no_such_column/);
  assert.equal(by['source.shop.raw.no_field'].error, "Could not compute freshness for source no_field: no 'loaded_at_field' provided and duckdb adapter does not support metadata-based freshness checks.");
  assert.equal(by['source.shop.raw.empty'].max_loaded_at, '0001-01-01T00:00:00+00:00');

  // The same run is kept in run_results.json (v6), with freshness's own statuses and facts.
  const results = JSON.parse(readFileSync(path.join(p.root, 'out/run_results.json'), 'utf8'));
  assert.deepEqual(validateSources(results, 'run-results-v6.json'), []);
  assert.equal(results.metadata.invocation_id, sources.metadata.invocation_id);
  assert.equal(results.args.which, 'freshness');
  const run = Object.fromEntries(results.results.map((r: { unique_id: string }) => [r.unique_id, r]));
  assert.deepEqual(Object.fromEntries(Object.entries(run).map(([id, r]) => [id, (r as { status: string }).status])), Object.fromEntries(Object.entries(by).map(([id, r]) => [id, (r as { status: string }).status])));
  assert.equal(run['source.shop.raw.stale'].relation_name, '"warehouse"."raw"."stale"');
  assert.equal(run['source.shop.raw.stale'].adapter_response.max_loaded_at, by['source.shop.raw.stale'].max_loaded_at);
  assert.match(run['source.shop.raw.filtered'].message, /no_such_column/);
  assert.ok(run['source.shop.raw.fresh'].execution_time >= 0 && run['source.shop.raw.fresh'].timing.length === 2);
  assert.ok(existsSync(path.join(p.root, 'out/runs', results.metadata.invocation_id, 'run_results.json')));

  // A selection of only passing sources exits 0.
  const one = capture(p.root);
  assert.equal(await sourceFreshness({ project: p.root, select: ['source:raw.fresh'] }, one), 0, one.out_.join('\n'));
  assert.equal(JSON.parse(readFileSync(path.join(p.root, 'out/sources.json'), 'utf8')).results.length, 1);
});

test('a pipeline.yml source without loaded_at_field is judged by its last bronze load', async (t) => {
  const p = tempProject(`
//- /pipeline.yml
name: clicks
sources:
  app_logs:
    format: json
    path: bronze/app_logs/*.json
    columns:
      id: { type: integer }
    freshness:
      error_after: {count: 6, period: hour}
//- /models/silver/events.sql
select * from {{ source('bronze', 'app_logs') }}
`);
  t.after(() => p.dispose());
  const before = capture(p.root);
  assert.equal(await sourceFreshness({ project: p.root }, before), 1);
  const unloaded = JSON.parse(readFileSync(path.join(p.root, 'target/sources.json'), 'utf8')).results[0];
  assert.equal(unloaded.status, 'runtime error');
  assert.match(unloaded.error, /has not been loaded yet/);

  p.write('lake/bronze/app_logs/a.json', jsonl([{ id: 1 }, { id: 2 }]));
  const run = capture(p.root);
  assert.equal(await runCommand('run', { project: p.root }, run), 0, run.out_.join('\n'));
  const fresh = capture(p.root);
  assert.equal(await sourceFreshness({ project: p.root }, fresh), 0, fresh.out_.join('\n'));
  assert.match(fresh.out_.join('\n'), /PASS freshness of bronze\.app_logs · last loaded \d+s ago \(error after 6 hours\)/);
  const sources = JSON.parse(readFileSync(path.join(p.root, 'target/sources.json'), 'utf8'));
  assert.deepEqual(validateSources(sources), []);
  assert.equal(sources.results[0].adapter_response.basis, 'last load');

  // The load landed a day ago: past error_after.
  const db = await openWarehouse(path.join(p.root, 'warehouse.duckdb'));
  await db.exec(`UPDATE "_medallion"."source_loads" SET loaded_at = loaded_at - INTERVAL 1 DAY`);
  db.close();
  const stale = capture(p.root);
  assert.equal(await sourceFreshness({ project: p.root }, stale), 1);
  assert.match(stale.out_.join('\n'), /ERROR STALE freshness of bronze\.app_logs · last loaded 1d 0h ago/);
});

test('loaded_at_query (dbt 1.10): its one value is the newest load, rendered with `this` the source; a table inherits the source\'s', async (t) => {
  const p = tempProject(`${PROFILE}
//- /dbt_project.yml
name: shop
profile: shop
//- /models/sources.yml
version: 2
sources:
  - name: raw
    config:
      loaded_at_query: "select max(loaded_at) from {{ this }}"
    freshness:
      warn_after: {count: 1, period: hour}
    tables:
      - name: inherits
      - name: from_log
        loaded_at_query: "select max(logged) from raw.load_log where tbl = 'from_log'"
      - name: by_field
        loaded_at_field: loaded_at
//- /models/orders.sql
select * from {{ source('raw', 'inherits') }}
`);
  t.after(() => p.dispose());
  const db = await openWarehouse(path.join(p.root, 'warehouse.duckdb'));
  await db.exec(`CREATE SCHEMA raw;
    CREATE TABLE raw.inherits AS SELECT now() - INTERVAL 2 HOUR AS loaded_at;
    CREATE TABLE raw.from_log (loaded_at TIMESTAMPTZ);
    CREATE TABLE raw.load_log AS SELECT 'from_log' AS tbl, now() - INTERVAL 10 MINUTE AS logged;
    CREATE TABLE raw.by_field AS SELECT now() - INTERVAL 20 MINUTE AS loaded_at;`);
  db.close();
  const io = capture(p.root);
  assert.equal(await sourceFreshness({ project: p.root }, io), 0, [...io.out_, ...io.err_].join('\n'));
  const text = io.out_.join('\n');
  assert.match(text, /WARN freshness of raw\.inherits · loaded_at_query 2h 0m ago/);
  assert.match(text, /PASS freshness of raw\.from_log · loaded_at_query 10m ago/);
  assert.match(text, /PASS freshness of raw\.by_field · newest row 20m ago/);
  const sources = JSON.parse(readFileSync(path.join(p.root, 'target/sources.json'), 'utf8'));
  assert.deepEqual(validateSources(sources), []);
  assert.deepEqual(sources.results.map((r: { unique_id: string; status: string }) => `${r.unique_id}:${r.status}`).sort(), ['source.shop.raw.by_field:pass', 'source.shop.raw.from_log:pass', 'source.shop.raw.inherits:warn']);
});
