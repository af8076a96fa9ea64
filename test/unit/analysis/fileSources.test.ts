// Sources typed from their files before any run (issue 12, item 1): a dbt-duckdb external CSV or
// Parquet and a pipeline.yml source declaring no columns, read in a real temp folder as the run reads them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeFileSystem } from '../../../runtime/project/fs.js';
import { openMemory } from '../../../runtime/engine/duckdb.js';
import { literal } from '../../../runtime/engine/sql.js';
import { Workspace } from '../../../server/src/analysis/workspace.js';
import { fixture } from '../../support/fixture.js';
import { checkDiagnostics } from '../../support/check.js';

/** Writes the fixture's files into a fresh temp folder and opens it as the server does. */
async function onDisk(text: string, options: { trusted?: boolean } = {}) {
  const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'medallion-files-')));
  for (const [file, body] of Object.entries(fixture(text).files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), body);
  }
  const ws = await Workspace.open(new NodeFileSystem(), root, { trusted: options.trusted ?? true });
  /** Binds `files` and checks their diagnostics against the inline snapshot `expected`. */
  const check = (files: string[], expected: string) => checkDiagnostics({ ws, f: fixture(text), file: '', offset: 0 }, expected, { files, bind: files });
  const done = async () => {
    await ws.binder.close();
    rmSync(root, { recursive: true, force: true });
  };
  return { root, ws, check, done };
}

const EXTERNAL = `
//- /dbt_project.yml
name: shop
//- /data/payments.csv
id,amount,paid_at
1,12.5,2026-01-02
2,3.25,2026-01-03
//- /models/sources.yml
version: 2
sources:
  - name: raw
    meta:
      external_location: "data/{name}.csv"
    tables:
      - name: payments
//- /models/stg_payments.sql
select id, amount * 100 as cents, paid_at from {{ source('raw', 'payments') }}
//- /models/typo.sql
select id, amout from {{ source('raw', 'payments') }}
`;

test('an external CSV source: its columns are sniffed as DuckDB reads the file, a typo is the unknown-column error, the correct model shows none', async () => {
  const p = await onDisk(EXTERNAL);
  try {
    await p.check(['models/stg_payments.sql', 'models/typo.sql'], `models/typo.sql: "amout": column amout not found — did you mean amount [error unknown-column]`);
    assert.deepEqual(p.ws.snapshot().columns('source.raw.payments').map((c) => `${c.name}:${c.type}`), ['id:BIGINT', 'amount:DOUBLE', 'paid_at:DATE']);
    assert.deepEqual(p.ws.snapshot().columns('model.stg_payments').map((c) => `${c.name}:${c.type}`), ['id:BIGINT', 'cents:DOUBLE', 'paid_at:DATE']);
  } finally {
    await p.done();
  }
});

test('an external file that does not exist: the source stays unknown and nothing is shown, not even for a typo', async () => {
  const p = await onDisk(EXTERNAL.replace('data/{name}.csv', 'data/{name}_missing.csv'));
  try {
    await p.check(['models/stg_payments.sql', 'models/typo.sql'], `no diagnostics`);
    assert.equal(p.ws.binder.files.columns('source.raw.payments'), undefined);
  } finally {
    await p.done();
  }
});

test('a file outside the project is never read, even through a symlink in it', async () => {
  const outside = mkdtempSync(path.join(os.tmpdir(), 'medallion-outside-'));
  writeFileSync(path.join(outside, 'payments.csv'), 'id,amount\n1,2\n');
  const p = await onDisk(EXTERNAL.replace('/data/payments.csv\n', '/data/readme.txt\n'));
  try {
    rmSync(path.join(p.root, 'data/readme.txt'));
    const { symlinkSync } = await import('node:fs');
    symlinkSync(path.join(outside, 'payments.csv'), path.join(p.root, 'data/payments.csv'));
    await p.check(['models/typo.sql'], `no diagnostics`);
    assert.equal(p.ws.binder.files.columns('source.raw.payments'), undefined);
  } finally {
    await p.done();
    rmSync(outside, { recursive: true, force: true });
  }
});

test('an external Parquet source is typed from its metadata, and read again when the file changes', async () => {
  const p = await onDisk(EXTERNAL.replace('data/{name}.csv', 'data/{name}.parquet').replace('/data/payments.csv', '/data/unused.csv'));
  const db = await openMemory();
  try {
    const file = path.join(p.root, 'data/payments.parquet');
    await db.exec(`COPY (SELECT 1::INTEGER AS id, 2.5::DECIMAL(9,2) AS amount, TIMESTAMP '2026-01-01' AS paid_at) TO ${literal(file)} (FORMAT parquet)`);
    await p.check(['models/stg_payments.sql', 'models/typo.sql'], `models/typo.sql: "amout": column amout not found — did you mean amount [error unknown-column]`);
    assert.deepEqual(p.ws.snapshot().columns('source.raw.payments').map((c) => `${c.name}:${c.type}`), ['id:INTEGER', 'amount:DECIMAL(9,2)', 'paid_at:TIMESTAMP']);
    // The file gains the column the typo'd model meant: the new columns are read, the error goes.
    await db.exec(`COPY (SELECT 1::INTEGER AS id, 2.5::DOUBLE AS amount, 'x' AS amout, TIMESTAMP '2026-01-01' AS paid_at) TO ${literal(file)} (FORMAT parquet)`);
    p.ws.binder.relinked();
    await p.check(['models/typo.sql'], `no diagnostics`);
    assert.deepEqual(p.ws.snapshot().columns('source.raw.payments').map((c) => c.name), ['id', 'amount', 'amout', 'paid_at']);
  } finally {
    db.close();
    await p.done();
  }
});

const LAKE_JSON = `
//- /pipeline.yml
name: shop
lake: ./lake
sources:
  clicks:
    format: json
    path: bronze/clicks/*.json
//- /lake/bronze/clicks/a.json
{"id": 1, "page": "/home", "ms": 12.5, "seen_at": "2026-01-02 10:00:00", "tags": ["a"]}
{"id": 2, "page": "/buy", "ms": 3, "seen_at": "2026-01-02 10:01:00", "tags": []}
//- /models/silver/clicks.sql
select id, page, ms / 1000 as seconds, seen_at from {{ source('bronze', 'clicks') }}
//- /models/silver/typo.sql
select id, pgae from {{ source('bronze', 'clicks') }}
`;

test('a pipeline.yml JSON source without declared columns: typed as the load reads the files (DuckDB auto-detection)', async () => {
  const p = await onDisk(LAKE_JSON);
  try {
    await p.check(['models/silver/clicks.sql', 'models/silver/typo.sql'], `models/silver/typo.sql: "pgae": column pgae not found — did you mean page [error unknown-column]`);
    assert.deepEqual(p.ws.snapshot().columns('source.bronze.clicks').map((c) => `${c.name}:${c.type}`), ['id:BIGINT', 'page:VARCHAR', 'ms:DOUBLE', 'seen_at:TIMESTAMP', 'tags:VARCHAR[]']);
  } finally {
    await p.done();
  }
});

test('a pipeline.yml CSV source without declared columns: the header names, every column VARCHAR as the load reads it', async () => {
  const csv = LAKE_JSON.replace('format: json', 'format: csv').replace('*.json', '*.csv').replace(/\/\/- \/lake\/bronze\/clicks\/a\.json\n.*\n.*\n/, '//- /lake/bronze/clicks/a.csv\nid,page,ms\n1,/home,12.5\n');
  const p = await onDisk(csv.replace('ms / 1000', 'ms::double / 1000').replace(', seen_at from', ' from'));
  try {
    await p.check(['models/silver/clicks.sql', 'models/silver/typo.sql'], `models/silver/typo.sql: "pgae": column pgae not found — did you mean page [error unknown-column]`);
    assert.deepEqual(p.ws.snapshot().columns('source.bronze.clicks').map((c) => `${c.name}:${c.type}`), ['id:VARCHAR', 'page:VARCHAR', 'ms:VARCHAR']);
  } finally {
    await p.done();
  }
});

test('a lake source with no matching file, and an untrusted workspace: nothing is read, nothing is shown', async () => {
  const empty = await onDisk(LAKE_JSON.replace('bronze/clicks/*.json', 'bronze/other/*.json'));
  try {
    await empty.check(['models/silver/typo.sql'], `no diagnostics`);
    assert.equal(empty.ws.binder.files.columns('source.bronze.clicks'), undefined);
  } finally {
    await empty.done();
  }
  const untrusted = await onDisk(LAKE_JSON, { trusted: false });
  try {
    await untrusted.ws.binder.bindFiles(['models/silver/typo.sql']);
    assert.equal(untrusted.ws.binder.files.columns('source.bronze.clicks'), undefined);
  } finally {
    await untrusted.done();
  }
});
