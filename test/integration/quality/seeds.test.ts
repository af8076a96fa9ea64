// Seeds on real DuckDB: CSV to table with the types dbt infers, column_types overrides (from dbt_project.yml
// and from schema YAML), nulls, custom schemas, reloads, a failed load leaving the old table, positioned parse errors.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, promises as fsp, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openMemory, type Warehouse } from '../../../runtime/engine/duckdb.js';
import { NodeFileSystem } from '../../../runtime/project/fs.js';
import { loadProject } from '../../../runtime/project/load.js';
import type { Project } from '../../../runtime/project/types.js';
import { loadSeed, SeedError } from '../../../runtime/run/seeds.js';

const FILES: Record<string, string> = {
  'dbt_project.yml': [
    'name: shop',
    'seeds:',
    '  shop:',
    '    stores:',
    '      +column_types:',
    '        zip: varchar',
    '        opened: timestamp',
    '    lookups:',
    '      +schema: ref',
  ].join('\n'),
  'seeds/stores.csv': 'id,name,zip,opened,rating,visits\n1,North,01234,2024-01-02,4.5,1\n2,South,98765,2024-03-04,,3000000000\n3,"East, by the sea",00042,2024-05-06,3,\n',
  'seeds/plain.csv': 'id,zip,day,flag\n1,01234,2024-01-02,true\n2,,2024-01-03,false\n',
  'seeds/lookups/codes.csv': 'code,label\nA,Alpha\nB,Beta\n',
  'seeds/dbt_rules.csv': 'slot,price,at,local,ok,note,empty\n09:30,"$1,200.50",2024-01-02T09:30:00Z,2024-01-02 09:30:00,True,null,\n10:00,7%,2024-01-03T10:00:00,2024-01-03 10:00:00.5,false,x,\n',
  'seeds/schema.yml': ['version: 2', 'seeds:', '  - name: plain', '    config:', '      column_types:', '        id: smallint'].join('\n'),
};

describe('loadSeed', () => {
  let dir: string;
  let db: Warehouse;
  let project: Project;
  const seed = (name: string) => {
    const s = project.seeds.get(name);
    assert.ok(s, `no seed ${name}`);
    return s;
  };
  const types = async (relation: string): Promise<Record<string, string>> =>
    Object.fromEntries((await db.describe(`select * from ${relation}`)).map((c) => [c.name, c.type]));

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'medallion-seeds-'));
    for (const [file, text] of Object.entries(FILES)) {
      await fsp.mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      await fsp.writeFile(path.join(dir, file), text);
    }
    project = await loadProject(new NodeFileSystem(), dir.split(path.sep).join('/'));
    db = await openMemory();
  });
  after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads a CSV with column_types from dbt_project.yml over detected types', async () => {
    const load = await loadSeed(db, project, seed('stores'));
    assert.deepEqual({ relation: load.relation, rows: load.rows }, { relation: '"main"."stores"', rows: 3 });
    // Whole numbers are INTEGER as in dbt, unless a value needs more (visits).
    assert.deepEqual(await types('main.stores'), { id: 'INTEGER', name: 'VARCHAR', zip: 'VARCHAR', opened: 'TIMESTAMP', rating: 'DOUBLE', visits: 'BIGINT' });
    const rows = (await db.query('select * from main.stores order by id')).rows;
    assert.deepEqual(rows[0], { id: 1, name: 'North', zip: '01234', opened: '2024-01-02 00:00:00', rating: 4.5, visits: '1' });
    assert.equal(rows[1].rating, null);
    assert.equal(rows[2].name, 'East, by the sea');
    assert.equal(rows[2].zip, '00042');
  });

  it('detects types without overrides and takes column_types from schema YAML', async () => {
    await loadSeed(db, project, seed('plain'));
    // As in dbt, a number with a leading zero is a number (column_types: {zip: varchar} keeps it); an empty field is NULL.
    assert.deepEqual(await types('main.plain'), { id: 'SMALLINT', zip: 'INTEGER', day: 'DATE', flag: 'BOOLEAN' });
    assert.deepEqual((await db.query('select zip, flag from main.plain order by id')).rows, [{ zip: 1234, flag: true }, { zip: null, flag: false }]);
  });

  it('creates the seed in its configured schema', async () => {
    const load = await loadSeed(db, project, seed('codes'));
    // dbt's default generate_schema_name: <target schema>_<custom schema>.
    assert.equal(load.relation, '"main_ref"."codes"');
    assert.deepEqual((await db.query('select count(*)::int as n from main_ref.codes')).rows, [{ n: 2 }]);
  });

  it('replaces the table on reload, and keeps the old one when the new CSV does not load', async () => {
    const file = path.join(dir, 'seeds/stores.csv');
    await fsp.writeFile(file, 'id,name,zip,opened,rating,visits\n7,West,11111,2025-01-01,1,2\n');
    assert.equal((await loadSeed(db, project, seed('stores'))).rows, 1);
    await fsp.writeFile(file, 'id,name,zip,opened,rating,visits\n8,Broken,22222,not a date,1,2\n');
    await assert.rejects(loadSeed(db, project, seed('stores')), /not a date|timestamp/i);
    assert.deepEqual((await db.query('select id, name from main.stores')).rows, [{ id: 7, name: 'West' }]);
  });

  it('names a column_types entry that is not in the CSV', async () => {
    const bad = { ...seed('codes'), columnTypes: { missing: 'integer' } };
    await assert.rejects(loadSeed(db, project, bad), /missing/);
    assert.deepEqual((await db.query('select count(*)::int as n from main_ref.codes')).rows, [{ n: 2 }]);
  });

  it("types columns by dbt's rules, not DuckDB's sniffer: a time stays text, formatted numbers are numbers", async () => {
    await loadSeed(db, project, seed('dbt_rules'));
    // A datetime with a fraction but no 'T' matches neither of dbt's datetime formats: text.
    assert.deepEqual(await types('main.dbt_rules'), { slot: 'VARCHAR', price: 'DOUBLE', at: 'TIMESTAMP', local: 'VARCHAR', ok: 'BOOLEAN', note: 'VARCHAR', empty: 'INTEGER' });
    const rows = (await db.query('select slot, price, "at", ok, note from main.dbt_rules order by slot')).rows;
    assert.deepEqual(rows, [
      { slot: '09:30', price: 1200.5, at: '2024-01-02 09:30:00', ok: true, note: null },
      { slot: '10:00', price: 7, at: '2024-01-03 10:00:00', ok: false, note: 'x' },
    ]);
  });

  it('a ragged row or an unterminated quote is an error at its line, and nothing is stored', async () => {
    const file = path.join(dir, 'seeds/lookups/codes.csv');
    await fsp.writeFile(file, 'code,label\nC,Gamma\nD,Delta,extra\n');
    await assert.rejects(loadSeed(db, project, seed('codes')), (err: SeedError) => {
      assert.equal(err.message, 'seeds/lookups/codes.csv:3: this row has 3 values but the header has 2');
      assert.deepEqual(err.diagnostic.range, { start: 19, end: 32 });
      return true;
    });
    await fsp.writeFile(file, 'code,label\nC,Gamma\nD,"Delta\nE,Epsilon\n');
    await assert.rejects(loadSeed(db, project, seed('codes')), /seeds\/lookups\/codes\.csv: a quote opened on line \d+ is never closed/);
    assert.deepEqual((await db.query('select count(*)::int as n from main_ref.codes')).rows, [{ n: 2 }]);
  });
});
