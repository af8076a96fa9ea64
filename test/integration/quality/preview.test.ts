// Preview on in-memory DuckDB: the first N rows of any query as written (LIMIT, ORDER BY, semicolons,
// comments, CTEs, UNIONs), JSON-safe values, truncation; and the trailing-text stripping used to wrap queries.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openMemory, type Warehouse } from '../../../runtime/engine/duckdb.js';
import { previewSql, stripTrailing, toSubquery } from '../../../runtime/run/preview.js';

describe('stripTrailing', () => {
  const cases: Array<[string, string]> = [
    ['select 1;', 'select 1'],
    ['select 1 ;; \n', 'select 1'],
    ['select 1 -- one', 'select 1'],
    ['select 1; -- one\n', 'select 1'],
    ['select 1 /* a */', 'select 1'],
    ['select 1 /* a /* nested */ still comment; */ ;', 'select 1'],
    ["select ';' as s;", "select ';' as s"],
    ["select '-- not a comment' as s -- a comment", "select '-- not a comment' as s"],
    ["select 'it''s; /*' as s /* c */", "select 'it''s; /*' as s"],
    ['select 1 as "a;--b" ;', 'select 1 as "a;--b"'],
    ["select E'it\\'s;' as s;", "select E'it\\'s;' as s"],
    ['select $$a;--b$$ as s; -- x', 'select $$a;--b$$ as s'],
    ['select $t$ ; $t$ as s /**/', 'select $t$ ; $t$ as s'],
    ['select 1 -- a\n-- b\n/* c */;\n', 'select 1'],
    ['-- only a comment', ''],
  ];
  for (const [input, expected] of cases) {
    it(JSON.stringify(input), () => assert.equal(stripTrailing(input), expected));
  }
});

describe('previewSql', () => {
  let db: Warehouse;
  before(async () => {
    db = await openMemory();
    await db.exec(`create table t as select i as id, 'name ' || i as name, i * 10000000000 as big, date '2026-01-01' + i::int as day from range(1, 101) r(i)`);
  });
  after(() => db.close());

  const ids = (rows: Record<string, unknown>[]): unknown[] => rows.map((r) => r.id);

  it('returns the first N rows with columns and types, truncated when there are more', async () => {
    const p = await previewSql(db, 'select * from t order by id', { limit: 3 });
    assert.deepEqual(p.columns, [
      { name: 'id', type: 'BIGINT' },
      { name: 'name', type: 'VARCHAR' },
      { name: 'big', type: 'BIGINT' },
      { name: 'day', type: 'DATE' },
    ]);
    assert.deepEqual(p.rows[0], { id: '1', name: 'name 1', big: '10000000000', day: '2026-01-02' });
    assert.equal(p.rows.length, 3);
    assert.equal(p.truncated, true);
    assert.ok(p.elapsedMs >= 0);
    assert.doesNotThrow(() => JSON.stringify(p));
  });

  it('is not truncated when the query has exactly N rows or fewer', async () => {
    assert.equal((await previewSql(db, 'select * from t where id <= 5', { limit: 5 })).truncated, false);
    assert.equal((await previewSql(db, 'select * from t where id <= 5', { limit: 50 })).rows.length, 5);
  });

  it('keeps the query own LIMIT when it is smaller, and the preview limit when it is larger', async () => {
    const small = await previewSql(db, 'select * from t order by id desc limit 2', { limit: 10 });
    assert.deepEqual(ids(small.rows), ['100', '99']);
    assert.equal(small.truncated, false);
    const large = await previewSql(db, 'select * from t order by id desc limit 50', { limit: 3 });
    assert.deepEqual(ids(large.rows), ['100', '99', '98']);
    assert.equal(large.truncated, true);
  });

  it('keeps ORDER BY, trailing semicolons and comments as written', async () => {
    for (const sql of [
      'select * from t order by id desc;',
      'select * from t order by id desc -- newest first',
      'select * from t order by id desc /* newest first */ ;',
      'select * from t order by id desc; -- newest first\n',
      'select * from t\norder by id desc\nlimit 10 -- at most ten\n;\n',
    ]) {
      const p = await previewSql(db, sql, { limit: 2 });
      assert.deepEqual(ids(p.rows), ['100', '99'], sql);
    }
  });

  it('previews CTEs and UNIONs', async () => {
    const cte = await previewSql(db, 'with a as (select id from t where id > 98) select * from a order by id', { limit: 10 });
    assert.deepEqual(ids(cte.rows), ['99', '100']);
    const union = await previewSql(db, 'select 1 as id union all select 2 union all select 3 order by id', { limit: 2 });
    assert.deepEqual(ids(union.rows), [1, 2]);
    assert.equal(union.truncated, true);
  });

  it('gives the columns of an empty result', async () => {
    const p = await previewSql(db, 'select id, name from t where false;', { limit: 10 });
    assert.deepEqual(p.rows, []);
    assert.deepEqual(p.columns.map((c) => c.name), ['id', 'name']);
    assert.equal(p.truncated, false);
  });

  it('stops reading a huge result after N rows', async () => {
    const p = await previewSql(db, 'select * from range(1000000000) r(i)', { limit: 4 });
    assert.deepEqual(p.rows.map((r) => r.i), ['0', '1', '2', '3']);
    assert.equal(p.truncated, true);
  });

  it('throws the engine error for a bad query', async () => {
    await assert.rejects(previewSql(db, 'select nope from t'), /nope/);
  });

  it('wraps queries with trailing comments as subqueries that run', async () => {
    const sql = `select count(*) as n from ${toSubquery("select * from t where name like '%;%' or id < 3 -- few\n;", 'q')}`;
    assert.deepEqual((await db.query(sql)).rows, [{ n: '2' }]);
  });
});
