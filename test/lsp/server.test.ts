// The real server over stdio: every feature on a fixture project, as an editor would use it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CancellationTokenSource, WorkDoneProgress, type CodeAction, type CodeLens, type CompletionList, type DocumentSymbol, type Hover, type Location, type SymbolInformation, type WorkspaceEdit, type TextDocumentEdit } from 'vscode-languageserver-protocol/node';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Client } from './client.js';
import type { CompiledResult, LineageResult, ProjectInfoResult, PreviewResult, RunResponse } from '../../server/src/lsp/protocol.js';

const PROJECT = `
//- /pipeline.yml
name: shop
sources:
  app_logs:
    format: json
    path: bronze/app_logs/*.json
    description: Raw app events
    columns:
      event_id: { type: varchar, required: true }
      user_id: { type: integer }
      amount: { type: double }
//- /lake/bronze/app_logs/a.json
{"event_id": "e1", "user_id": 1, "amount": 2.5}
{"event_id": "e2", "user_id": 1, "amount": 4.0}
{"event_id": "e3", "user_id": 2, "amount": 1.0}
//- /models/silver/events.sql
{{ config(materialized='table') }}
select event_id, user_id, amount from {{ source('bronze', 'app_logs') }}
//- /models/silver/schema.yml
version: 2
models:
  - name: events
    description: Typed events
//- /models/gold/revenue.sql
{{ config(materialized='table') }}
select e.user_id, sum(e.amount) as revenue from {{ ref('events') }} e group by 1
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
`;

const REVENUE = "{{ config(materialized='table') }}\nselect e.user_id, sum(e.amount) as revenue from {{ ref('events') }} e group by 1\n";

function position(text: string, needle: string, delta = 0): { line: number; character: number } {
  const offset = text.indexOf(needle) + delta;
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

describe('language server over stdio', () => {
  let c: Client;
  before(async () => {
    c = await Client.start(PROJECT, { workspace: { workspaceEdit: { documentChanges: true, resourceOperations: ['rename'] } } });
  });
  after(async () => c.stop());

  test('completion: ref names with layer', async () => {
    const text = "select * from {{ ref('') }}\n";
    await c.open('models/gold/other.sql', text);
    const list = await c.request<CompletionList>('textDocument/completion', { textDocument: { uri: c.uri('models/gold/other.sql') }, position: position(text, "')") });
    const events = list.items.find((i) => i.label === 'events');
    assert.equal(events?.detail, 'silver · table');
    assert.ok(list.items.some((i) => i.label === 'revenue'));
  });

  test('hover: model summary on a ref', async () => {
    await c.open('models/gold/revenue.sql', REVENUE);
    const h = await c.request<Hover>('textDocument/hover', { textDocument: { uri: c.uri('models/gold/revenue.sql') }, position: position(REVENUE, "events'", 2) });
    assert.match((h.contents as { value: string }).value, /\*\*events\*\* — model · silver · table[\s\S]*Typed events/);
  });

  test('diagnostics: a contract break appears after didChange and goes away when fixed', async () => {
    await c.open('models/gold/revenue.sql', REVENUE);
    await c.diagnosticsOf('models/gold/revenue.sql', (l) => l.length === 0, 'a clean revenue model');
    await c.change('models/gold/revenue.sql', REVENUE.replace('sum(e.amount)', 'count(*)'));
    const broken = await c.diagnosticsOf('models/gold/revenue.sql', (l) => l.some((d) => d.code === 'contract-type-mismatch'), 'the contract break');
    assert.equal(broken.find((d) => d.code === 'contract-type-mismatch')?.message, 'contract: column revenue is BIGINT in the SQL but declared as double');
    await c.diagnosticsOf('models/gold/schema.yml', (l) => l.some((d) => d.code === 'contract-type-mismatch'), 'the contract break on the YAML');
    await c.change('models/gold/revenue.sql', REVENUE);
    await c.diagnosticsOf('models/gold/revenue.sql', (l) => l.length === 0, 'the fix');
    await c.diagnosticsOf('models/gold/schema.yml', (l) => l.length === 0, 'the fix on the YAML');
  });

  test('diagnostics: unknown ref with a did-you-mean quick fix', async () => {
    const text = "select * from {{ ref('evnts') }}\n";
    await c.open('models/gold/typo.sql', text);
    const [d] = await c.diagnosticsOf('models/gold/typo.sql', (l) => l.some((x) => x.code === 'unknown-ref'));
    const actions = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: c.uri('models/gold/typo.sql') }, range: d.range, context: { diagnostics: [d] } });
    assert.equal(actions[0].title, "Change to 'events'");
    assert.equal(actions[0].edit?.changes?.[c.uri('models/gold/typo.sql')][0].newText, 'events');
    // A line typed above: the editor moves the diagnostic down with its text, and the fix follows it.
    await c.change('models/gold/typo.sql', `-- a note\n${text}`);
    const moved = { ...d, range: { start: { ...d.range.start, line: d.range.start.line + 1 }, end: { ...d.range.end, line: d.range.end.line + 1 } } };
    const after = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: c.uri('models/gold/typo.sql') }, range: moved.range, context: { diagnostics: [moved] } });
    assert.deepEqual(after[0].edit?.changes?.[c.uri('models/gold/typo.sql')], [{ range: moved.range, newText: 'events' }]);
  });

  test('definition and references', async () => {
    await c.open('models/gold/revenue.sql', REVENUE);
    const defs = await c.request<Location[]>('textDocument/definition', { textDocument: { uri: c.uri('models/gold/revenue.sql') }, position: position(REVENUE, "events'", 1) });
    assert.equal(defs[0].uri, c.uri('models/silver/events.sql'));
    const refs = await c.request<Location[]>('textDocument/references', { textDocument: { uri: c.uri('models/silver/events.sql') }, position: { line: 0, character: 0 }, context: { includeDeclaration: false } });
    assert.ok(refs.some((r) => r.uri === c.uri('models/gold/revenue.sql')));
  });

  test('rename a model: refs, YAML and the file move', async () => {
    await c.open('models/gold/revenue.sql', REVENUE);
    const edit = await c.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri: c.uri('models/gold/revenue.sql') }, position: position(REVENUE, "events'", 1), newName: 'clean_events' });
    const changes = edit.documentChanges ?? [];
    const texts = changes.filter((x): x is TextDocumentEdit => 'textDocument' in x).map((x) => x.textDocument.uri);
    assert.ok(texts.includes(c.uri('models/gold/revenue.sql')) && texts.includes(c.uri('models/silver/schema.yml')));
    assert.ok(changes.some((x) => 'kind' in x && x.kind === 'rename' && x.newUri === c.uri('models/silver/clean_events.sql')));
  });

  test('document and workspace symbols, code lenses', async () => {
    const symbols = await c.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: c.uri('models/gold/schema.yml') } });
    assert.deepEqual(symbols.map((s) => s.name), ['revenue']);
    const found = await c.request<SymbolInformation[]>('workspace/symbol', { query: 'even' });
    assert.ok(found.some((s) => s.name === 'events'));
    const lenses = await c.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: c.uri('models/gold/revenue.sql') } });
    assert.deepEqual(lenses.map((l) => l.command?.command), ['medallion.runModel', 'medallion.previewModel', 'medallion.showLineage']);
  });

  test('a model created on disk is indexed after workspace/didChangeWatchedFiles', async () => {
    writeFileSync(path.join(c.root, 'models/gold/fresh.sql'), "select * from {{ ref('events') }}\n");
    const before = c.notifications.length;
    await c.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: c.uri('models/gold/fresh.sql'), type: 1 }] });
    await c.waitFor(() => c.notifications.slice(before).some((n) => n.method === 'medallion/projectChanged'), 'the reindex');
    const found = await c.request<SymbolInformation[]>('workspace/symbol', { query: 'fresh' });
    assert.deepEqual(found.map((s) => s.name), ['fresh']);
  });

  test('medallion/compiled and medallion/lineage with column edges', async () => {
    const compiled = await c.request<CompiledResult>('medallion/compiled', { model: 'revenue' });
    assert.match(compiled.sql, /from "main"."events" e/);
    const lineage = await c.request<LineageResult>('medallion/lineage', { model: 'revenue' });
    assert.deepEqual(lineage.nodes.map((n) => n.id).sort(), ['model.events', 'model.revenue', 'source.bronze.app_logs']);
    assert.ok(lineage.edges.some((e) => e.from === 'model.events' && e.to === 'model.revenue'));
    assert.ok(lineage.columnEdges.some((e) => e.from.node === 'model.events' && e.from.column === 'amount' && e.to.column === 'revenue'));
  });

  test('medallion/run with progress, then preview and projectInfo with the last run', async () => {
    const token = 'run-1';
    const progress: string[] = [];
    c.connection.onProgress(WorkDoneProgress.type, token, (v) => {
      progress.push(v.kind);
    });
    const run = await c.request<RunResponse>('medallion/run', { command: 'run', select: ['+revenue'], workDoneToken: token });
    assert.equal(run.status, 'success', JSON.stringify(run));
    assert.deepEqual(run.nodes.map((n) => `${n.id}:${n.status}`).sort(), ['model.events:success', 'model.revenue:success', 'source.bronze.app_logs:success']);
    await c.waitFor(() => progress.includes('end'), 'the end of progress');
    assert.equal(progress[0], 'begin');
    const preview = await c.request<PreviewResult>('medallion/preview', { model: 'revenue' });
    assert.equal(preview.error, undefined);
    assert.deepEqual(preview.rows.map((r) => r.user_id).sort(), [1, 2]);
    const selection = await c.request<PreviewResult>('medallion/preview', { sql: "select count(*) as n from {{ ref('events') }}" });
    assert.equal(selection.sql, 'select count(*) as n from "main"."events"');
    assert.equal(String(selection.rows[0]?.n), '3');
    const info = await c.request<ProjectInfoResult>('medallion/projectInfo', {});
    assert.equal(info.name, 'shop');
    assert.equal(info.modelCount >= 2, true);
    assert.equal(info.lastRun?.status, 'success');
  });
});

describe('a broken project', () => {
  let c: Client;
  before(async () => {
    c = await Client.start(PROJECT.replace('name: shop\n', 'name: [shop\n'));
  });
  after(async () => c.stop());

  test('an invalid pipeline.yml is reported and per-file features keep working', async () => {
    await c.diagnosticsOf('pipeline.yml', (l) => l.some((d) => d.code === 'yaml-syntax'));
    const text = "select * from {{ ref('') }}\n";
    await c.open('models/gold/other.sql', text);
    const list = await c.request<CompletionList>('textDocument/completion', { textDocument: { uri: c.uri('models/gold/other.sql') }, position: position(text, "')") });
    assert.ok(list.items.some((i) => i.label === 'events'));
    const info = await c.request<ProjectInfoResult>('medallion/projectInfo', {});
    assert.equal(info.state, 'failed');
  });

  test('rename is refused when the editor cannot move files', async () => {
    await assert.rejects(
      c.request('textDocument/rename', { textDocument: { uri: c.uri('models/gold/revenue.sql') }, position: position(REVENUE, "events'", 1), newName: 'x' }),
      /does not support file renames/,
    );
  });

  test('garbage requests get empty answers, not a crash', async () => {
    const h = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri: 'file:///elsewhere/x.sql' }, position: { line: 99, character: 99 } });
    assert.equal(h, null);
    const compiled = await c.request<CompiledResult>('medallion/compiled', { model: 'no_such_model' });
    assert.deepEqual(compiled.errors, ['No model here']);
    const symbols = await c.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: c.uri('models/none.sql') } });
    assert.deepEqual(symbols, []);
  });
});

describe('cancelling a run', () => {
  let c: Client;
  before(async () => {
    c = await Client.start(`
//- /pipeline.yml
name: slow
//- /models/quick.sql
{{ config(materialized='table') }}
select 1 as n
//- /models/slow.sql
{{ config(materialized='table') }}
select count(*) as n from range(20000000000) r1
//- /models/broken.sql
{{ config(materialized='table') }}
select nope from range(3)
`);
  });
  after(async () => c.stop());

  test('$/cancelRequest interrupts the running model; the warehouse is released for the next run', async () => {
    const source = new CancellationTokenSource();
    const running = c.connection.sendRequest('medallion/run', { command: 'run', select: ['slow'] }, source.token) as Promise<RunResponse>;
    await c.waitFor(() => c.notifications.some((n) => n.method === 'medallion/runEvent' && (n.params as { kind: string; id: string }).kind === 'start' && (n.params as { id: string }).id === 'model.slow'), 'the slow model to start');
    source.cancel();
    const run = await running;
    assert.equal(run.status, 'cancelled', JSON.stringify(run));
    assert.deepEqual(run.nodes.map((n) => `${n.id}:${n.status}`), ['model.slow:cancelled']);
    const next = await c.request<RunResponse>('medallion/run', { command: 'run', select: ['quick'] });
    assert.equal(next.status, 'success', JSON.stringify(next));
  });

  test("a failed model's error reaches the client as a range in its file", async () => {
    const run = await c.request<RunResponse>('medallion/run', { command: 'run', select: ['broken'] });
    assert.equal(run.status, 'error', JSON.stringify(run));
    const [node] = run.nodes;
    assert.equal(node.id, 'model.broken');
    assert.equal(node.errorAt?.file, 'models/broken.sql');
    assert.deepEqual(node.errorAt?.range.start, { line: 1, character: 7 }, JSON.stringify(node));
  });
});
