// Warm start over stdio: a session binds the project and saves its results in the index cache; one
// model changes on disk; the next session shows the unchanged models' typed hover and contract
// diagnostic from the cache before its background pass, and nothing from the cache for the changed
// model or the model reading it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Client } from './client.js';

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
//- /models/silver/sessions.sql
select user_id, sum(amount) as total, count(*) as n from {{ ref('events') }} group by 1
//- /models/silver/schema.yml
version: 2
models:
  - name: sessions
    config:
      contract: { enforced: true }
    columns:
      - name: user_id
      - name: total
//- /models/gold/session_stats.sql
select user_id, total from {{ ref('sessions') }}
//- /models/gold/revenue.sql
select user_id, sum(amount) as revenue from {{ ref('events') }} group by 1
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
        data_type: varchar
`;

const EVENTS = "select event_id, user_id, amount from {{ source('bronze', 'app_logs') }}\n";
const REVENUE_BROKEN = 'contract: column revenue is DOUBLE in the SQL but declared as varchar';
const SESSIONS_BROKEN = 'contract: sessions produces column n (BIGINT) which is not declared';

/** A bound on waiting, not a timing: CI runs this beside the Trino and e2e suites on 2 cores. */
const SLOW_MS = 180_000;

function logged(c: Client, pattern: RegExp): boolean {
  return c.notifications.some((n) => n.method === 'window/logMessage' && pattern.test((n.params as { message: string }).message));
}

function messages(c: Client, file: string): string[][] {
  return c.published.filter((p) => p.uri === c.uri(file)).map((p) => p.diagnostics.map((d) => String(d.message)));
}

test('a restart shows cached bound results for unchanged models before binding, and none for a model changed on disk', async () => {
  const first = await Client.start(PROJECT);
  const root = first.root;
  try {
    await first.diagnosticsOf('models/gold/revenue.sql', (l) => l.some((d) => d.message === REVENUE_BROKEN), 'the contract check of revenue', SLOW_MS);
    await first.diagnosticsOf('models/silver/sessions.sql', (l) => l.some((d) => d.message === SESSIONS_BROKEN), 'the contract check of sessions', SLOW_MS);
    await first.waitFor(() => logged(first, /^index cache: 4 bound models saved$/), 'the bound results saved', SLOW_MS);
  } finally {
    await first.stop(false);
  }

  // sessions is fixed on disk while no server runs; session_stats reads its columns.
  writeFileSync(path.join(root, 'models/silver/sessions.sql'), "select user_id, sum(amount) as total from {{ ref('events') }} group by 1\n");
  let hover: Promise<{ contents: { value: string } } | null> | undefined;
  let backgroundDoneAtHover: boolean | undefined;
  const second = await Client.launch(root, {}, true, {
    // Sent before the index is ready: answered as soon as it is, from what the cache restored.
    onInitialized: (c) => {
      hover = c.request('textDocument/hover', { textDocument: { uri: c.uri('models/silver/events.sql') }, position: { line: 0, character: EVENTS.indexOf('amount') + 2 } });
      void hover.then(() => (backgroundDoneAtHover = logged(c, /^background binding done/)));
    },
  });
  try {
    assert.ok(logged(second, /^index cache: 2 bound models restored, 2 dropped/), 'events and revenue restored; sessions and session_stats dropped');
    const h = await hover!;
    assert.match(h?.contents.value ?? '', /^\*\*amount\*\* — DOUBLE/);
    assert.equal(backgroundDoneAtHover, false, 'the hover was answered before the background pass ended');

    // The contract diagnostic of the unchanged model arrives before the background pass is done.
    let backgroundDoneAtDiagnostic: boolean | undefined;
    await second.diagnosticsOf('models/gold/revenue.sql', (l) => {
      const found = l.some((d) => d.message === REVENUE_BROKEN);
      if (found) backgroundDoneAtDiagnostic ??= logged(second, /^background binding done/);
      return found;
    }, 'the cached contract check of revenue', SLOW_MS);
    assert.equal(backgroundDoneAtDiagnostic, false, 'the cached diagnostic came before the background pass ended');

    // The background pass binds everything again: the changed model never showed its old diagnostic.
    await second.waitFor(() => logged(second, /^background binding done/), 'the background pass', SLOW_MS);
    assert.deepEqual(messages(second, 'models/silver/sessions.sql').filter((m) => m.includes(SESSIONS_BROKEN)), []);
    assert.deepEqual(second.diagnostics.get(second.uri('models/silver/sessions.sql')) ?? [], []);
    assert.deepEqual(second.diagnostics.get(second.uri('models/gold/revenue.sql'))?.map((d) => d.message), [REVENUE_BROKEN]);
  } finally {
    await second.stop();
  }
});
