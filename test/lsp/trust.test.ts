// Workspace trust over stdio, through `medallion lsp --stdio`: an untrusted server (initializationOptions
// .trusted: false) keeps the static features, renders and binds nothing, refuses run/preview/compiled;
// medallion/trust lifts it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { DiagnosticSeverity } from 'vscode-languageserver-protocol/node';
import { Client } from './client.js';
import { TrustNotificationMethod, type CompiledResult, type LineageResult, type PreviewResult, type RunResponse } from '../../server/src/lsp/protocol.js';

const CLI = path.resolve(__dirname, '../../dist/cli.js');

const FILES = {
  'models/gold/typo.sql': "select * from {{ ref('evnts') }}\n",
  'models/gold/revenue.sql': "select e.user_id, count(*) as revenue from {{ ref('events') }} e group by 1\n",
  'models/gold/columns.sql': "select nope_col from {{ ref('events') }}\n",
  'models/gold/failing.sql': "select {{ exceptions.raise_compiler_error('boom from the template') }} as x\n",
};

const PROJECT = `
//- /pipeline.yml
name: shop
sources:
  app_logs:
    format: json
    path: bronze/app_logs/*.json
    columns:
      event_id: { type: varchar, required: true }
      user_id: { type: integer }
      amount: { type: double }
//- /models/silver/events.sql
select event_id, user_id, amount from {{ source('bronze', 'app_logs') }}
//- /models/gold/schema.yml
version: 2
models:
  - name: revenue
    config:
      contract: { enforced: true }
    columns:
      - name: user_id
        data_type: integer
      - name: revenue
        data_type: double
${Object.entries(FILES).map(([file, text]) => `//- /${file}\n${text}`).join('')}`;

/** Codes of the diagnostics that need the rendered SQL bound by DuckDB. */
const BOUND = /^(sql-error|unknown-column|contract-)/;

describe('an untrusted workspace', () => {
  let c: Client;
  before(async () => {
    c = await Client.start(PROJECT, {}, { command: [CLI, 'lsp', '--stdio'], initializationOptions: { trusted: false } });
    for (const [file, text] of Object.entries(FILES)) await c.open(file, text);
  });
  after(async () => c.stop());

  test('keeps the static diagnostics and publishes no rendered or bound one', async () => {
    const typo = await c.diagnosticsOf('models/gold/typo.sql', (l) => l.some((d) => d.code === 'unknown-ref'), 'the static unknown ref');
    assert.match(typo[0].message as string, /did you mean 'events'/);
    for (const file of Object.keys(FILES)) await c.diagnosticsOf(file, () => true);
    // The refused requests below take a round trip each: time for any binding to have published.
    const run = await c.request<RunResponse>('medallion/run', { command: 'build' });
    const preview = await c.request<PreviewResult>('medallion/preview', { sql: 'select 1 as x' });
    const compiled = await c.request<CompiledResult>('medallion/compiled', { model: 'failing' });
    assert.equal(run.status, 'error');
    assert.match(run.error ?? '', /not trusted/);
    assert.match(preview.error ?? '', /not trusted/);
    assert.deepEqual(preview.rows, []);
    assert.match(compiled.errors.join(), /not trusted/);
    assert.equal(compiled.sql, '');
    const published = c.published.flatMap((p) => p.diagnostics.map((d) => ({ file: path.relative(c.root, new URL(p.uri).pathname), code: String(d.code) })));
    assert.deepEqual(published.filter((d) => BOUND.test(d.code) || d.file !== 'models/gold/typo.sql'), []);
    // Nothing ran and nothing was written: no warehouse, no target/ (run results, index cache).
    assert.equal(existsSync(path.join(c.root, 'warehouse.duckdb')), false);
    assert.equal(existsSync(path.join(c.root, 'target')), false);
  });

  test('gives the static lineage graph without column edges', async () => {
    const graph = await c.request<LineageResult>('medallion/lineage', { model: 'revenue' });
    assert.ok(graph.edges.some((e) => e.from === 'model.events' && e.to === 'model.revenue'));
    assert.deepEqual(graph.columnEdges, []);
  });

  test('after medallion/trust, templates render and SQL binds without a restart', async () => {
    await c.connection.sendNotification(TrustNotificationMethod);
    const revenue = await c.diagnosticsOf('models/gold/revenue.sql', (l) => l.some((d) => d.code === 'contract-type-mismatch'), 'the contract break');
    assert.match(revenue.find((d) => d.code === 'contract-type-mismatch')!.message as string, /revenue is BIGINT in the SQL but declared as double/);
    await c.diagnosticsOf('models/gold/schema.yml', (l) => l.some((d) => d.code === 'contract-type-mismatch'), 'the contract break on the YAML');
    await c.diagnosticsOf('models/gold/columns.sql', (l) => l.some((d) => d.code === 'unknown-column'), 'the unknown column');
    await c.diagnosticsOf('models/gold/failing.sql', (l) => l.some((d) => d.severity === DiagnosticSeverity.Error), 'the template error');
    const compiled = await c.request<CompiledResult>('medallion/compiled', { model: 'revenue' });
    assert.match(compiled.sql, /count\(\*\) as revenue from "?\w+"?\."?\w+"?/i);
    const preview = await c.request<PreviewResult>('medallion/preview', { sql: 'select 1 as x' });
    assert.deepEqual(preview.rows, [{ x: 1 }]);
  });
});
