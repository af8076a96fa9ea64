// The suite's own comparer, without dbt: two DuckDB files that differ in known ways, and the
// differences compareStep must find (and the ones it must not: row order, ignored columns, equal values of
// another type); and two sources.json files after `source freshness`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compareStep, covers, describe as describeDifference, type Difference } from './lib/compare.js';
import type { Spec } from './lib/spec.js';
import { freshnessStatuses, keyOfSourceId } from './lib/sources.js';
import { keyOfUniqueId, statuses } from './lib/statuses.js';
import { execSql, Warehouse } from './lib/warehouse.js';

const SPEC: Spec = {
  dir: '/nowhere',
  name: 'fixture',
  description: '',
  env: {},
  profile: {},
  steps: [{ name: 'build' }],
  ignoreColumns: [{ relation: 'main.loads', column: 'loaded_at', reason: 'build time' }],
  expected: [],
  stepFolders: [],
};

const COMMON = `
  CREATE TABLE main.same AS SELECT * FROM (VALUES (1, 'a'), (2, 'b')) t(id, name);`;

const DBT = `${COMMON}
  CREATE TABLE main.reordered AS SELECT * FROM (VALUES (1, 'a'), (2, 'b'), (3, 'c')) t(id, name);
  CREATE TABLE main.typed AS SELECT 1::INTEGER AS id, 2.5::DECIMAL(4,1) AS amount;
  CREATE TABLE main.counted AS SELECT * FROM range(3) t(i);
  CREATE TABLE main.valued AS SELECT * FROM (VALUES (1, 'x'), (2, 'y')) t(id, v);
  CREATE TABLE main.loads AS SELECT 1 AS id, TIMESTAMP '2024-01-01 00:00:00' AS loaded_at;
  CREATE TABLE main.only_dbt AS SELECT 1 AS id;
  CREATE TABLE main.viewed AS SELECT 1 AS id;`;

const MEDALLION = `${COMMON}
  CREATE SCHEMA _medallion; CREATE TABLE _medallion.source_loads (relation VARCHAR);
  CREATE TABLE main.reordered AS SELECT * FROM (VALUES (3, 'c'), (1, 'a'), (2, 'b')) t(id, name);
  CREATE TABLE main.typed AS SELECT 1::BIGINT AS id, 2.5::DOUBLE AS amount;
  CREATE TABLE main.counted AS SELECT * FROM range(4) t(i);
  CREATE TABLE main.valued AS SELECT * FROM (VALUES (1, 'x'), (2, 'z')) t(id, v);
  CREATE TABLE main.loads AS SELECT 1 AS id, TIMESTAMP '2025-06-01 12:00:00' AS loaded_at;
  CREATE TABLE main.only_medallion AS SELECT 1 AS id;
  CREATE VIEW main.viewed AS SELECT 1 AS id;`;

describe('compareStep', () => {
  let dir: string;
  let differences: Difference[];
  let counts: { relations: number; relationsIdentical: number; nodes: number; nodesAgreeing: number };

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'medallion-conformance-compare-'));
    const files = { dbt: path.join(dir, 'dbt.duckdb'), medallion: path.join(dir, 'medallion.duckdb') };
    await execSql(files.dbt, DBT);
    await execSql(files.medallion, MEDALLION);
    const warehouses = { dbt: await Warehouse.open(files.dbt, dir), medallion: await Warehouse.open(files.medallion, dir) };
    const dbtResults = { results: [
      { unique_id: 'model.p.same', status: 'success' },
      { unique_id: 'test.p.unique_same_id.abc123', status: 'pass' },
      { unique_id: 'test.p.not_null_same_id.def456', status: 'fail' },
    ] };
    const ourResults = { results: [
      { id: 'model.same', kind: 'model', name: 'same', status: 'success' },
      { id: 'test.unique_same_id', kind: 'test', name: 'unique_same_id', status: 'success' },
      { id: 'test.not_null_same_id', kind: 'test', name: 'not_null_same_id', status: 'warn' },
      { id: 'source.bronze.x', kind: 'source', name: 'bronze.x', status: 'success' },
    ] };
    const run = (tool: 'dbt' | 'medallion', runResults: unknown) => ({ tool, command: 'build' as const, code: 0, output: '', runResults });
    try {
      const result = await compareStep(SPEC, 1, { dbt: run('dbt', dbtResults), medallion: run('medallion', ourResults) }, warehouses, { dbt: statuses(dbtResults), medallion: statuses(ourResults) });
      differences = result.differences;
      counts = result;
    } finally {
      warehouses.dbt.close();
      warehouses.medallion.close();
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const about = (relation: string): string[] => differences.filter((d) => d.relation === relation).map((d) => `${d.what}${d.column ? ` ${d.column}` : ''}: ${d.detail.split('\n')[0]}`);

  it('finds nothing where the rows are the same in another order, or differ only in an ignored column', () => {
    assert.deepEqual([...about('main.same'), ...about('main.reordered'), ...about('main.loads')], []);
  });

  it('reports each column type that differs, but not the values when they read the same', () => {
    assert.deepEqual(about('main.typed'), ['type id: dbt INTEGER, Medallion BIGINT', 'type amount: dbt DECIMAL(4,1), Medallion DOUBLE']);
  });

  it('reports a row count, a changed value (with the rows on each side) and a table that is a view', () => {
    assert.deepEqual(about('main.counted'), ['rows: dbt 3 rows, Medallion 4']);
    assert.deepEqual(about('main.valued'), ['checksum: the rows differ (columns id, v):']);
    assert.match(differences.find((d) => d.relation === 'main.valued')!.detail, /only in dbt:\n +\["2","y"\]\n +only in Medallion:\n +\["2","z"\]/);
    assert.deepEqual(about('main.viewed'), ['kind: dbt table, Medallion view']);
  });

  it("reports relations only one tool built, leaving Medallion's own _medallion schema out", () => {
    assert.deepEqual(differences.filter((d) => d.what === 'missing').map((d) => d.relation), ['main.only_dbt', 'main.only_medallion']);
    assert.equal(counts.relations, 8);
    assert.equal(counts.relationsIdentical, 3);
  });

  it("compares node statuses in dbt's words, matching dbt's unique ids to Medallion's", () => {
    assert.deepEqual(differences.filter((d) => d.what === 'status').map((d) => `${d.node}: ${d.detail}`), ['test.not_null_same_id: dbt fail, Medallion warn']);
    assert.deepEqual({ nodes: counts.nodes, agreeing: counts.nodesAgreeing }, { nodes: 3, agreeing: 2 });
    assert.equal(keyOfUniqueId('test.shop.relationships_orders_customer_id__id__ref_customers_.1a2b3c'), 'test.relationships_orders_customer_id__id__ref_customers_');
  });

  it('lets a declared difference cover actual ones by kind, step, name and name prefix', () => {
    const missing = differences.filter((d) => d.what === 'missing');
    const declared = { feature: 'f', reason: 'r', what: 'missing' as const };
    assert.ok(missing.every((d) => covers({ ...declared, relation: 'main.only_*' }, d)));
    assert.ok(!covers({ ...declared, relation: 'main.only_dbt' }, missing[1]));
    assert.ok(!covers({ ...declared, relation: '*', step: 2 }, missing[0]));
    assert.ok(!covers({ ...declared, what: 'rows', relation: '*' }, missing[0]));
  });
});

describe('compareStep after source freshness', () => {
  const at = (unique_id: string, status: string, max_loaded_at?: string) => ({ unique_id, status, ...(max_loaded_at ? { max_loaded_at } : {}) });
  const dbtSources = { results: [
    at('source.p.crm.orders', 'warn', '2026-03-01T09:00:00.250731+00:00'),
    at('source.p.crm.customers', 'pass', '2026-03-01T09:00:00+00:00'),
    at('source.p.crm.refunds', 'error', '0001-01-01T00:00:00+00:00'),
    at('source.p.crm.disputes', 'runtime error'),
  ] };
  const ourSources = { results: [
    // The same instant written with milliseconds and with another offset: no difference.
    at('source.p.crm.orders', 'warn', '2026-03-01T10:00:00.250+01:00'),
    at('source.p.crm.customers', 'pass', '2026-03-01T08:00:00+00:00'),
    at('source.p.crm.refunds', 'warn', '0001-01-01T00:00:00+00:00'),
    at('source.p.crm.disputes', 'runtime error'),
  ] };
  const run = (tool: 'dbt' | 'medallion', sources: unknown) => ({ tool, command: 'source freshness' as const, code: 1, output: 'checked', sources });

  async function compare(ours: unknown) {
    const empty = await Warehouse.open(path.join(os.tmpdir(), 'medallion-conformance-no-such.duckdb'), os.tmpdir());
    try {
      const warehouses = { dbt: empty, medallion: empty };
      return await compareStep(SPEC, 2, { dbt: run('dbt', dbtSources), medallion: run('medallion', ours) }, warehouses, { dbt: freshnessStatuses(dbtSources), medallion: freshnessStatuses(ours) });
    } finally {
      empty.close();
    }
  }

  it("compares each source's status and max_loaded_at as an instant, keyed without the package", async () => {
    const result = await compare(ourSources);
    assert.deepEqual(result.differences.map(describeDifference), [
      'step 2: max_loaded_at (source.crm.customers): dbt 2026-03-01T09:00:00+00:00, Medallion 2026-03-01T08:00:00+00:00',
      'step 2: status (source.crm.refunds): dbt error, Medallion warn',
    ]);
    assert.deepEqual({ nodes: result.nodes, agreeing: result.nodesAgreeing }, { nodes: 4, agreeing: 2 });
    assert.equal(keyOfSourceId('source.shop.crm.orders'), 'source.crm.orders');
  });

  it('reports a tool that wrote no sources.json, and each source it did not check', async () => {
    const result = await compare(undefined);
    assert.deepEqual(result.differences.filter((d) => d.what === 'run').map((d) => d.detail.split(' (')[0]), ['medallion wrote no sources.json']);
    assert.equal(result.differences.filter((d) => d.what === 'status' && d.detail.endsWith('Medallion absent')).length, 4);
  });
});
