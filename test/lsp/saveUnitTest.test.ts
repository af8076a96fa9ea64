// "Save as unit test" through the real server: after a build and a preview, medallion/saveUnitTest
// answers with the edit of the model's schema YAML (or a new YAML beside a model without one); applied
// as an editor would, the saved tests pass under `medallion test --select test_type:unit`, and fail
// once the model's logic changes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { Client } from './client.js';
import type { PreviewResult, RunResponse, SaveUnitTestResult } from '../../server/src/lsp/protocol.js';

const CLI = path.resolve(__dirname, '../../dist/cli.js');

const SCHEMA = `version: 2
# revenue per user, documented here
models:
  - name: revenue   # the gold table
    description: Revenue per user
`;

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
      page: { type: varchar }
//- /lake/bronze/app_logs/a.json
{"event_id": "e1", "user_id": 1, "amount": 2.5, "page": "/a"}
{"event_id": "e2", "user_id": 1, "amount": 4.0, "page": "/b"}
{"event_id": "e3", "user_id": 2, "amount": 1.0, "page": "/a"}
{"event_id": "e4", "user_id": 3, "amount": 7.25, "page": "/c"}
//- /models/silver/events.sql
{{ config(materialized='table') }}
select event_id, user_id, amount, page from {{ source('bronze', 'app_logs') }}
//- /models/gold/revenue.sql
{{ config(materialized='table') }}
select e.user_id, sum(e.amount) as revenue, count(*) as events from {{ ref('events') }} e group by 1
//- /models/gold/schema.yml
${SCHEMA}
//- /models/gold/big_spenders.sql
select r.user_id, r.revenue from {{ ref('revenue') }} r join {{ ref('events') }} e using (user_id) where e.amount > 2
`;

/** Applies the answer as the editor does: the range of the file's text (or an empty new file) replaced. */
function applySaved(root: string, saved: SaveUnitTestResult): string {
  const file = path.join(root, saved.file!);
  const text = saved.create ? '' : readFileSync(file, 'utf8');
  const offset = (p: { line: number; character: number }): number => text.split('\n').slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const next = text.slice(0, offset(saved.range!.start)) + saved.newText! + text.slice(offset(saved.range!.end));
  writeFileSync(file, next);
  return next;
}

function unitTests(root: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [CLI, 'test', '--select', 'test_type:unit', '--project', root], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('Save as unit test', () => {
  let c: Client;
  before(async () => {
    c = await Client.start(PROJECT);
  });
  after(async () => c.stop());

  test('saves the previewed inputs and output as unit tests that pass, and fail when the model changes', async () => {
    const run = await c.request<RunResponse>('medallion/run', { command: 'run' });
    assert.equal(run.status, 'success', JSON.stringify(run));
    const preview = await c.request<PreviewResult>('medallion/preview', { model: 'revenue' });
    assert.equal(preview.rows.length, 3);

    const saved = await c.request<SaveUnitTestResult>('medallion/saveUnitTest', { model: 'revenue' });
    assert.equal(saved.error, undefined);
    assert.deepEqual({ name: saved.name, file: saved.file, create: saved.create, inputs: saved.inputs, expectedRows: saved.expectedRows },
      { name: 'revenue_from_preview', file: 'models/gold/schema.yml', create: false, inputs: [{ input: "ref('events')", rows: 4 }], expectedRows: 3 });
    const schema = applySaved(c.root, saved);
    assert.ok(schema.startsWith(SCHEMA), 'the documented YAML keeps its text and comments');
    const entry = parse(schema).unit_tests[0];
    // The model reads user_id and amount: the given rows carry those columns only.
    assert.deepEqual(entry.given[0].rows[0], { user_id: 1, amount: 2.5 });
    assert.deepEqual(entry.expect.rows.map((r: { user_id: number; revenue: number }) => [r.user_id, r.revenue]).sort(), [[1, 6.5], [2, 1], [3, 7.25]]);

    const beside = await c.request<SaveUnitTestResult>('medallion/saveUnitTest', { uri: c.uri('models/gold/big_spenders.sql'), rows: 2 });
    assert.equal(beside.error, undefined);
    assert.deepEqual({ file: beside.file, create: beside.create, inputs: beside.inputs }, {
      file: 'models/gold/big_spenders.yml', create: true,
      inputs: [{ input: "ref('events')", rows: 2 }, { input: "ref('revenue')", rows: 2 }],
    });
    assert.equal(existsSync(path.join(c.root, 'models/gold/big_spenders.yml')), false, 'the server writes nothing itself');
    applySaved(c.root, beside);

    const passing = unitTests(c.root);
    assert.equal(passing.status, 0, passing.out);
    assert.match(passing.out, /revenue_from_preview/);
    assert.match(passing.out, /big_spenders_from_preview/);

    writeFileSync(path.join(c.root, 'models/gold/revenue.sql'), "{{ config(materialized='table') }}\nselect e.user_id, max(e.amount) as revenue, count(*) as events from {{ ref('events') }} e group by 1\n");
    const failing = unitTests(c.root);
    assert.equal(failing.status, 1, failing.out);
    assert.match(failing.out, /revenue_from_preview[\s\S]*actual differs from expected/);
  });

  test('a preview cut at its limit leaves the warehouse free for the CLI', async () => {
    const preview = await c.request<PreviewResult>('medallion/preview', { model: 'events', limit: 1 });
    assert.equal(preview.truncated, true);
    const run = spawnSync(process.execPath, [CLI, 'run', '--select', 'events', '--project', c.root], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stdout + run.stderr);
  });

  test('a name that is no model is an error, and no edit', async () => {
    const saved = await c.request<SaveUnitTestResult>('medallion/saveUnitTest', { model: 'nope' });
    assert.equal(saved.error, 'No model to save a unit test for here');
    assert.equal(saved.newText, undefined);
  });
});
