// The DuckDB adapter against a real database file: queries, binding, streaming, and the lock held by
// another process reported at once with the holder's PID.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lockError, openMemory, openWarehouse, WarehouseLockedError } from '../../../runtime/engine/duckdb.js';

function tempFile(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'medallion-engine-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'warehouse.duckdb');
}

test('query returns JSON-safe rows, column types and timing; timestamps are in UTC', async (t) => {
  const db = await openWarehouse(tempFile(t));
  t.after(() => db.close());
  await db.exec("CREATE TABLE t AS SELECT 9007199254740993::BIGINT AS big, 1.25::DECIMAL(10,2) AS d, TIMESTAMPTZ '2026-01-02 03:04:05+02' AS ts");
  const result = await db.query('SELECT * FROM t WHERE d > ?', [1]);
  assert.deepEqual(result.columns, [
    { name: 'big', type: 'BIGINT' },
    { name: 'd', type: 'DECIMAL(10,2)' },
    { name: 'ts', type: 'TIMESTAMP WITH TIME ZONE' },
  ]);
  assert.deepEqual(result.rows, [{ big: '9007199254740993', d: '1.25', ts: '2026-01-02 01:04:05+00' }]);
  assert.equal(JSON.parse(JSON.stringify(result.rows))[0].big, '9007199254740993');
  assert.ok(result.elapsedMs >= 0);
});

test('describe gives output columns without running the query', async (t) => {
  const db = await openMemory();
  t.after(() => db.close());
  await db.exec('CREATE TABLE t (id INTEGER, name VARCHAR)');
  // A query that would fail if it ran (a division by a failing cast) still binds.
  const columns = await db.describe("SELECT id::BIGINT AS id, name, CAST('x' AS INTEGER) AS boom FROM t");
  assert.deepEqual(columns, [
    { name: 'id', type: 'BIGINT' },
    { name: 'name', type: 'VARCHAR' },
    { name: 'boom', type: 'INTEGER' },
  ]);
  await assert.rejects(db.describe('SELECT nope FROM t'), /nope/);
});

test('stream yields chunks and stops at the limit', async (t) => {
  const db = await openMemory();
  t.after(() => db.close());
  let rows = 0;
  let chunks = 0;
  for await (const chunk of db.stream('SELECT range AS i FROM range(100000)', { limit: 2500 })) {
    rows += chunk.rows.length;
    chunks += 1;
    assert.deepEqual(chunk.columns, [{ name: 'i', type: 'BIGINT' }]);
  }
  assert.equal(rows, 2500);
  assert.ok(chunks >= 2, 'more than one chunk for 2500 rows');
});

test('sessions run statements on the same database', async (t) => {
  const db = await openWarehouse(tempFile(t));
  t.after(() => db.close());
  const other = await db.session();
  await other.exec('CREATE TABLE shared AS SELECT 42 AS answer');
  assert.deepEqual((await db.query('SELECT answer FROM shared')).rows, [{ answer: 42 }]);
});

test('a second open in the same process is refused, and the file is free again after close', async (t) => {
  const file = tempFile(t);
  const db = await openWarehouse(file);
  await assert.rejects(openWarehouse(file), (err: unknown) => err instanceof WarehouseLockedError && err.pid === process.pid);
  db.close();
  const again = await openWarehouse(file);
  again.close();
});

test("DuckDB's lock message is parsed for the holder's PID", () => {
  const err = lockError('/w.duckdb', new Error('IO Error: Could not set lock on file "/w.duckdb": Conflicting lock is held in /usr/bin/node (PID 4242) by user me. See also https://duckdb.org/docs/stable/connect/concurrency'));
  assert.ok(err instanceof WarehouseLockedError);
  assert.equal(err.pid, 4242);
  assert.match(err.message, /PID 4242/);
  assert.equal(lockError('/w.duckdb', new Error('Catalog Error: no table')), undefined);
});

test('a second process opening the warehouse fails at once with a message naming the holder PID', async (t) => {
  const file = tempFile(t);
  const holder = spawn(process.execPath, ['--import', 'tsx', '-e', `
    const { openWarehouse } = require(${JSON.stringify(path.resolve('runtime/engine/duckdb.ts'))});
    openWarehouse(${JSON.stringify(file)}).then(() => { process.stdout.write('ready\\n'); process.stdin.resume(); process.stdin.on('end', () => process.exit(0)); });
  `], { stdio: ['pipe', 'pipe', 'inherit'] });
  t.after(() => holder.kill());
  await new Promise<void>((resolve, reject) => {
    holder.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    holder.on('exit', (code) => reject(new Error(`holder exited early (${code})`)));
  });
  for (const readOnly of [false, true]) {
    await assert.rejects(openWarehouse(file, { readOnly }), (err: unknown) => {
      assert.ok(err instanceof WarehouseLockedError, String(err));
      assert.equal(err.pid, holder.pid);
      assert.match(err.message, new RegExp(`PID ${holder.pid}`));
      return true;
    });
  }
  holder.stdin.end();
});
