// dbt-duckdb specifics, piece by piece: external_location read from meta or config and formatted as
// dbt-duckdb formats it, source() and generic tests rendering the read, the profile's attach,
// settings, extensions and external_root, the setup statements, and no editor errors for any of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileNode } from '../../../runtime/compile/compile.js';
import { profileSetup } from '../../../runtime/engine/profileSetup.js';
import { buildGraph } from '../../../runtime/graph/dag.js';
import { readDuckdbProfile, databaseName } from '../../../runtime/project/duckdbProfile.js';
import { loadProject } from '../../../runtime/project/load.js';
import { externalWrite } from '../../../runtime/run/externalModel.js';
import { boundDiagnostics, staticDiagnostics } from '../../../server/src/analysis/diagnostics.js';
import { fixture } from '../../support/fixture.js';
import { open } from '../analysis/support.js';

const PROJECT = `
//- /dbt_project.yml
name: ducks
profile: ducks
//- /models/sources.yml
version: 2
sources:
  - name: raw
    schema: landing
    meta:
      external_location: "data/{schema}/{name}_*.csv"
    tables:
      - name: orders
        columns:
          - name: order_id
            data_tests: [not_null]
      - name: products
        identifier: catalog
        config:
          external_location: "data/{identifier}.parquet"
      - name: refunds
        meta:
          external_location: "read_json('data/refunds.json')"
      - name: legacy
        meta:
          formatter: template
          external_location: "data/$name.csv"
//- /models/orders.sql
select o.order_id, p.price from {{ source('raw', 'orders') }} o join {{ source('raw', 'products') }} p using (product_id)
//- /models/refunds.sql
select * from {{ source('raw', 'refunds') }} union all select * from {{ source('raw', 'legacy') }}
`;

test('external_location: meta and config, formatted with the source fields; source() renders the read with an absolute path', async () => {
  const f = fixture(PROJECT);
  const project = await loadProject(f.fs, f.root, { env: {}, home: '/nowhere' });
  assert.deepEqual(project.diagnostics.filter((d) => d.severity === 'error'), []);
  const external = (t: string) => project.sources.get(`raw.${t}`)!.external!;
  assert.deepEqual([external('orders').sql, external('products').sql, external('refunds').sql, external('legacy').sql], ["'data/landing/orders_*.csv'", "'data/catalog.parquet'", "read_json('data/refunds.json')", "'data/legacy.csv'"]);
  assert.equal(external('refunds').path, undefined, 'a reader call is not a path to check');
  const graph = buildGraph(project);
  const orders = compileNode(project, graph, 'model.orders');
  assert.ok(orders.sql.includes(`from '${f.root}/data/landing/orders_*.csv' o join '${f.root}/data/catalog.parquet' p`), orders.sql);
  assert.match(compileNode(project, graph, 'model.refunds').sql, /from read_json\('data\/refunds\.json'\) union all select \* from '.*\/data\/legacy\.csv'/);
  const test = [...project.tests.values()].find((t) => t.attachedTo === 'source.raw.orders')!;
  assert.ok(compileNode(project, graph, test.id).sql.includes(`'${f.root}/data/landing/orders_*.csv'`));
});

test('a bad external_location is an error at its YAML position', async () => {
  const cases: Array<[string, RegExp]> = [
    ['"data/{nope}.csv"', /'\{nope\}' names no field of the source/],
    ['[a, b]', /must be a path, a glob or a reader call/],
  ];
  for (const [value, message] of cases) {
    const f = fixture(PROJECT.replace('"data/{schema}/{name}_*.csv"', value));
    const project = await loadProject(f.fs, f.root, { env: {}, home: '/nowhere' });
    const error = project.diagnostics.find((d) => d.code === 'external-location');
    assert.ok(error, value);
    assert.match(error.message, message);
    assert.equal(f.files['models/sources.yml'].slice(error.range.start, error.range.end), value);
  }
  const f = fixture(PROJECT.replace('formatter: template', 'formatter: fancy'));
  const project = await loadProject(f.fs, f.root, { env: {}, home: '/nowhere' });
  assert.match(project.diagnostics.find((d) => d.code === 'external-location')!.message, /Formatter 'fancy' is not one of newstyle, oldstyle, template/);
});

test('the profile: attach, settings (as Python prints them), extensions, external_root; bad input named', () => {
  const at = () => ({ start: 0, end: 0 });
  const read = readDuckdbProfile(
    { attach: [{ path: 'ref.duckdb', alias: 'ref_db', read_only: true }, { path: '/data/other.duckdb' }], settings: { threads: 2, enable_progress_bar: false }, extensions: ['parquet', 'json'], external_root: 'exports/' },
    'warehouse.duckdb',
    'profiles.yml',
    at,
  );
  assert.deepEqual(read.diagnostics, []);
  assert.deepEqual(read.value, {
    attach: [{ path: 'ref.duckdb', alias: 'ref_db', readOnly: true }, { path: '/data/other.duckdb', readOnly: false }],
    settings: { threads: '2', enable_progress_bar: 'False' },
    extensions: ['parquet', 'json'],
    externalRoot: 'exports',
  });
  const bad = readDuckdbProfile({ attach: [{ alias: 'x' }], settings: ['a'], extensions: [{ name: 'spatial', repo: 'core_nightly' }], database: 'prod' }, 'dev.duckdb', 'profiles.yml', at);
  assert.deepEqual(
    bad.diagnostics.map((d) => d.message),
    [
      "profiles.yml: attach[0] needs a 'path'",
      "profiles.yml: 'settings' must be a map of DuckDB settings",
      "profiles.yml: extension 'spatial' from repository 'core_nightly' would be downloaded; Medallion never downloads extensions",
      "profiles.yml: 'database' is 'prod' but must be 'dev' to match the 'path' (or the alias of an attached database)",
    ],
  );
  assert.equal(databaseName('/a/b/warehouse.duckdb'), 'warehouse');
  assert.equal(databaseName(':memory:'), 'memory');
});

test('profiles.yml in the project: its duckdb settings reach the config; a bad one is an error at its key', async () => {
  const profiles = `ducks:\n  outputs:\n    dev:\n      type: duckdb\n      path: w.duckdb\n      external_root: out\n      settings: not-a-map\n`;
  const f = fixture(`${PROJECT}//- /profiles.yml\n${profiles}`);
  const project = await loadProject(f.fs, f.root, { env: {}, home: '/nowhere' });
  assert.equal(project.config.duckdb?.externalRoot, 'out');
  const error = project.diagnostics.find((d) => d.code === 'dbt-profile')!;
  assert.equal(error.file, 'profiles.yml');
  assert.equal(profiles.slice(error.range.start, error.range.end), 'not-a-map');
});

test('setup statements: extensions loaded and databases attached once, settings on every connection, paths from the project', () => {
  const setup = profileSetup('/p', { attach: [{ path: 'ref.duckdb', alias: 'ref_db', readOnly: true }, { path: 'md:cloud' }].map((a) => ({ readOnly: false, ...a })), settings: { default_order: 'DESC' }, extensions: ['icu'], externalRoot: '/exports' });
  assert.deepEqual(
    setup.once.map((s) => s.sql),
    ['LOAD "icu"', `ATTACH IF NOT EXISTS '/p/ref.duckdb' AS "ref_db" (READ_ONLY)`, "ATTACH IF NOT EXISTS 'md:cloud'"],
  );
  assert.deepEqual(setup.each, ["SET file_search_path = '/p'", `SET "default_order" = 'DESC'`]);
  assert.deepEqual(setup.directories, ['/exports', '/p']);
});

test("materialized='external': location, format and COPY options as dbt-duckdb derives them", () => {
  const target = { root: '/p/exports', base: '/p', allowed: ['/p', '/p/exports'] };
  const config = (extra: Record<string, unknown>) => ({ materialized: 'external' as const, tags: [], schema: 'main', contractEnforced: false, enabled: true, extra });
  assert.deepEqual(externalWrite('sales', config({}), target), { location: '/p/exports/sales.parquet', format: 'parquet', copyOptions: 'format parquet', readLocation: '/p/exports/sales.parquet' });
  assert.deepEqual(externalWrite('sales', config({ location: 'out/sales.csv', delimiter: '|' }), target), { location: '/p/out/sales.csv', format: 'csv', copyOptions: "delimiter '|', format csv, header 1", readLocation: '/p/out/sales.csv' });
  const partitioned = externalWrite('sales', config({ options: { partition_by: 'year,month' } }), target);
  assert.equal(partitioned.copyOptions, 'partition_by (year,month), format parquet');
  assert.equal(partitioned.readLocation, '/p/exports/sales/*/*/*.parquet');
  assert.throws(() => externalWrite('sales', config({ format: 'xlsx' }), target), /Invalid format: xlsx/);
  assert.throws(() => externalWrite('sales', config({ location: '../../etc/sales.parquet' }), target), /leads outside/);
});

test('the editor: models over external sources and external models give no diagnostics', async () => {
  const text = `${PROJECT}//- /models/exported.sql\n{{ config(materialized='external', location='out/x.parquet') }}\nselect * from {{ ref('orders') }}\n`;
  const { ws } = await open(text);
  for (const file of ['models/orders.sql', 'models/refunds.sql', 'models/exported.sql']) {
    await ws.binder.bindFiles([file]);
    const snap = ws.snapshot();
    assert.deepEqual([...(staticDiagnostics(snap).get(file) ?? []), ...boundDiagnostics(snap, file)].filter((d) => d.severity === 'error'), [], file);
  }
});
