// The language server on a Trino target (medallion.target = a pipeline.yml target with engine: trino),
// over stdio, against a real MinIO and a real local Trino coordinator + worker: runs and previews go to
// the cluster (Trino's type names), Cancel kills Trino's query by its id (seen in system.runtime.queries),
// the Validate on Trino lens reports what Trino refuses at its place in the model, and DuckDB's binder
// gives no diagnostics on a Trino target's SQL (the same model on the DuckDB target gets one).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { CancellationTokenSource, type CodeLens, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { openLake } from '../../runtime/lake/open.js';
import { NodeFileSystem } from '../../runtime/project/fs.js';
import { loadProject } from '../../runtime/project/load.js';
import type { PreviewResult, ProjectInfoResult, RunResponse, ValidateOnTrinoResult } from '../../server/src/lsp/protocol.js';
import { waitUntil } from '../support/minio.js';
import { startTrinoHarness, trinoSkip, type TrinoHarness } from '../support/trinoCluster.js';
import { writeTrinoProject } from '../support/trinoProject.js';
import { Client } from './client.js';

/** Bound on waiting for the cluster to show a query in a state (a broken cancel fails, it does not hang). */
const CLUSTER_WAIT_MS = 120_000;

/** 10^12 rows to count: a query that runs until it is killed. */
const ENDLESS = 'from unnest(sequence(1, 10000)) a(x) cross join unnest(sequence(1, 10000)) b(y) cross join unnest(sequence(1, 10000)) c(z)';

const MODELS: Record<string, string> = {
  'models/gold/duckdb_only.sql': "{{ config(materialized='table') }}\nselect event_date,\n  list_value(1, 2) as pair\nfrom {{ ref('events') }}\n",
  'models/gold/unknown_function.sql': "select\n  event_date,\n  no_such_function(user_id) as x\nfrom {{ ref('events') }}\n",
  'models/gold/trino_only.sql': "select event_date, approx_distinct(user_id) as users\nfrom {{ ref('events') }}\ngroup by event_date\n",
  'models/gold/endless.sql': `{{ config(materialized='table') }}\n-- editor-test-endless-model\nselect count(*) as n ${ENDLESS}\n`,
};

/** A diagnostic's text (this server sends plain strings). */
const text = (d: Diagnostic): string => (typeof d.message === 'string' ? d.message : d.message.value);

/** Two days of well-formed app events (the project's raw contract), as JSON lines per day. */
function bronze(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const day of [1, 2]) {
    const lines = Array.from({ length: 30 }, (_, i) => JSON.stringify({
      event_id: `d${day}-${i}`, user_id: 1 + (i % 7), action: i % 5 === 0 ? 'purchase' : 'click', device: i % 2 ? 'mobile' : 'desktop',
      ts: new Date(Date.UTC(2026, 0, day, i % 24, i)).toISOString(),
    }));
    files[`bronze/app_logs/year=2026/month=01/day=0${day}/part-${day}.json`] = lines.join('\n') + '\n';
  }
  return files;
}

describe('the language server on a Trino target (a real cluster over MinIO)', { skip: trinoSkip(), timeout: 900_000 }, () => {
  let cluster: TrinoHarness;
  let client: Client;
  let dir: string;

  /** The cluster's record of the queries whose text has `marker` (not this lookup itself). */
  const queries = (marker: string): Promise<Record<string, unknown>[]> =>
    cluster.query(`SELECT query_id, state, error_code, query FROM system.runtime.queries WHERE strpos(query, '${marker}') > 0 AND strpos(query, 'system.runtime.queries') = 0`);

  /** Waits until the cluster runs a query with `marker` (a statement `kind` accepts), and returns its id. */
  async function runningQuery(marker: string, kind: (sql: string) => boolean): Promise<string> {
    let id = '';
    await waitUntil(async () => {
      const running = (await queries(marker)).find((q) => q.state === 'RUNNING' && kind(String(q.query)));
      id = running ? String(running.query_id) : '';
      return id !== '';
    }, CLUSTER_WAIT_MS, `a running query with ${marker}`);
    return id;
  }

  /** Waits until the query is over and returns its final state and error code. */
  async function finalState(id: string): Promise<string> {
    let state = '';
    await waitUntil(async () => {
      const q = (await cluster.query(`SELECT state, error_code FROM system.runtime.queries WHERE query_id = '${id}'`))[0];
      state = q ? `${String(q.state)} ${String(q.error_code)}` : '';
      return q !== undefined && q.state !== 'RUNNING' && q.state !== 'QUEUED' && q.state !== 'PLANNING' && q.state !== 'STARTING' && q.state !== 'FINISHING';
    }, CLUSTER_WAIT_MS, `query ${id} to end`);
    return state;
  }

  before(async () => {
    cluster = await startTrinoHarness();
    dir = path.join(cluster.work, 'editor');
    writeTrinoProject(dir, cluster.minio.endpoint, 'editor', cluster.port);
    for (const [file, text] of Object.entries(MODELS)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    }
    const lake = openLake(await loadProject(new NodeFileSystem(), dir));
    for (const [key, body] of Object.entries(bronze())) await lake.put(key, body);
    await cluster.up(dir);
    client = await Client.launch(dir, {}, false, { initializationOptions: { target: 'cluster' } });
  });

  after(async () => {
    await client?.stop();
    await cluster?.dispose();
  });

  it('runs on the cluster: a build from the editor reports each node and writes Trino tables', async () => {
    const info = await client.request<ProjectInfoResult>('medallion/projectInfo', {});
    assert.deepEqual([info.target, info.engine], ['cluster', 'trino']);
    const run = await client.request<RunResponse>('medallion/run', { command: 'build', select: ['+daily_active_users'], workDoneToken: 'trino-build' });
    assert.equal(run.status, 'success', JSON.stringify(run));
    const ran = run.nodes.map((n) => `${n.id}:${n.status}`);
    for (const node of ['source.bronze.app_logs:success', 'model.events:success', 'model.daily_active_users:success']) assert.ok(ran.includes(node), ran.join(', '));
    assert.ok(client.notifications.some((n) => n.method === 'medallion/runEvent' && (n.params as { id: string; kind: string }).id === 'model.daily_active_users'));
    const rows = await cluster.query('SELECT count(*) AS n, sum(events) AS events FROM main.daily_active_users');
    assert.deepEqual([Number(rows[0].n), Number(rows[0].events)], [2, 60]);
  });

  it('previews a model from the cluster, with Trino\'s type names', async () => {
    const preview = await client.request<PreviewResult>('medallion/preview', { model: 'events', limit: 5 });
    assert.equal(preview.error, undefined, preview.error);
    assert.equal(preview.engine, 'trino');
    assert.equal(preview.rows.length, 5);
    assert.equal(preview.truncated, true);
    assert.deepEqual(preview.columns.map((c) => c.name), ['event_id', 'user_id', 'action', 'device', 'event_ts', 'event_date']);
    // Trino keeps the contract's timestamptz as a UTC timestamp (Hive tables have no time zone type); DuckDB says TIMESTAMP WITH TIME ZONE.
    assert.equal(preview.columns.find((c) => c.name === 'event_ts')?.type, 'TIMESTAMP', JSON.stringify(preview.columns));
  });

  it('Cancel on a preview kills its query on the cluster', async () => {
    const marker = `editor-test-preview-${Date.now()}`;
    const source = new CancellationTokenSource();
    const answer = client.connection.sendRequest('medallion/preview', { sql: `select /* ${marker} */ count(*) as n ${ENDLESS}` }, source.token) as Promise<PreviewResult>;
    const id = await runningQuery(marker, (sql) => /^select/i.test(sql));
    source.cancel();
    const result = await answer.then((r) => r, (err: unknown) => ({ error: String(err) }) as PreviewResult);
    assert.ok(result.error, JSON.stringify(result));
    assert.equal(await finalState(id), 'FAILED USER_CANCELED');
  });

  it('Cancel on a run kills the model\'s statement on the cluster and publishes nothing', async () => {
    const source = new CancellationTokenSource();
    const answer = client.connection.sendRequest('medallion/run', { command: 'run', select: ['endless'] }, source.token) as Promise<RunResponse>;
    const id = await runningQuery('editor-test-endless-model', (sql) => /create table/i.test(sql) && !/^\s*explain/i.test(sql));
    source.cancel();
    const run = await answer;
    assert.equal(run.status, 'cancelled', JSON.stringify(run));
    assert.equal(await finalState(id), 'FAILED USER_CANCELED');
    assert.deepEqual(await cluster.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_name = 'endless'"), []);
  });

  it('Validate on Trino: a lens on each model; what Trino refuses comes back at its place in the model', async () => {
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: client.uri('models/gold/duckdb_only.sql') } });
    const lens = lenses.find((l) => l.command?.command === 'medallion.validateOnTrino');
    assert.ok(lens, JSON.stringify(lenses));
    assert.equal(lens.command!.title, 'Validate on Trino');
    const duckdbOnly = await client.request<ValidateOnTrinoResult>('medallion/validateOnTrino', lens.command!.arguments![0]);
    assert.equal(duckdbOnly.valid, false, JSON.stringify(duckdbOnly));
    assert.deepEqual(duckdbOnly.diagnostics.map((d) => [d.range.start.line, d.range.start.character]), [[2, 2]]);
    assert.match(duckdbOnly.diagnostics[0].message, /list_value/);
    // Not a DuckDB function either: only the cluster can refuse it, at Trino's line and column.
    const unknown = await client.request<ValidateOnTrinoResult>('medallion/validateOnTrino', { model: 'unknown_function' });
    assert.deepEqual([unknown.valid, unknown.cluster], [false, true], JSON.stringify(unknown));
    assert.deepEqual(unknown.diagnostics.map((d) => [d.range.start.line, d.range.start.character]), [[2, 2]]);
    assert.match(unknown.diagnostics[0].message, /no_such_function/);
    const valid = await client.request<ValidateOnTrinoResult>('medallion/validateOnTrino', { model: 'daily_active_users' });
    assert.deepEqual([valid.valid, valid.cluster, valid.diagnostics], [true, true, []], JSON.stringify(valid));
  });

  // Last: it switches the editor to the DuckDB target.
  it('DuckDB\'s binder stays out of a Trino target\'s SQL; static diagnostics stay; on the DuckDB target the same model is flagged', async () => {
    const file = 'models/gold/trino_only.sql';
    const uri = client.uri(file);
    await client.waitFor(() => client.notifications.some((n) => n.method === 'window/logMessage' && /background binding done/.test((n.params as { message: string }).message)), 'the background binding pass');
    await client.open(file, MODELS[file]);
    const onTrino = await client.diagnosticsOf(file, () => client.published.some((p) => p.uri === uri), 'diagnostics of the opened Trino-only model');
    assert.deepEqual(onTrino, []);
    await client.change(file, `${MODELS[file]}union all select null, null from {{ ref('nowhere') }}\n`);
    const withStatic = await client.diagnosticsOf(file, (list) => list.some((d) => /nowhere/.test(text(d))), 'the unknown ref reported');
    assert.ok(!withStatic.some((d) => /approx_distinct/.test(text(d))), JSON.stringify(withStatic));
    await client.change(file, MODELS[file]);
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { medallion: { target: '' } } });
    const onDuckdb = await client.diagnosticsOf(file, (list) => list.some((d) => /approx_distinct/.test(text(d))), 'the DuckDB binder\'s diagnostic on the DuckDB target');
    assert.ok(onDuckdb.length > 0);
  });
});
