// The editor open while a run in a terminal rewrites target/catalog.json: the server hears of it
// (workspace/didChangeWatchedFiles) and checks models against the types and columns the build left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Client } from './client.js';

test('a catalog written by a run while the editor is open types a source that was unknown', async () => {
  const c = await Client.start(`
    //- /dbt_project.yml
    name: shop
    //- /models/sources.yml
    version: 2
    sources:
      - name: raw
        tables:
          - name: payments
    //- /models/stg_payments.sql
    select id, amout / 100.0 as dollars from {{ source('raw', 'payments') }}
  `, { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } });
  try {
    await c.open('models/stg_payments.sql', "select id, amout / 100.0 as dollars from {{ source('raw', 'payments') }}\n");
    // Never built: the source's columns are unknown, so nothing is said about them.
    await c.diagnosticsOf('models/stg_payments.sql', (list) => list.length === 0);
    const columns = { id: { type: 'INTEGER', index: 1, name: 'id', comment: null }, amount: { type: 'BIGINT', index: 2, name: 'amount', comment: null } };
    const catalog = { metadata: {}, nodes: {}, sources: { 'source.shop.raw.payments': { metadata: { type: 'BASE TABLE', schema: 'raw', name: 'payments', database: 'dev' }, columns, unique_id: 'source.shop.raw.payments' } }, errors: null };
    mkdirSync(path.join(c.root, 'target'), { recursive: true });
    writeFileSync(path.join(c.root, 'target/catalog.json'), JSON.stringify(catalog));
    await c.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: c.uri('target/catalog.json'), type: 1 }] });
    const list = await c.diagnosticsOf('models/stg_payments.sql', (l) => l.length > 0, 'the column check against the catalog');
    assert.deepEqual(list.map((d) => d.message), ['column amout not found — did you mean amount']);
  } finally {
    await c.stop();
  }
});
