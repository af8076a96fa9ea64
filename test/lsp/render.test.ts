// Rendering in the language server happens on a worker it can stop: while one model's template runs
// away, hover is answered and another file's problem is published; the runaway model gets a warning
// once the editor's deadline passes, and the next edit of it renders again on a fresh worker.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from './client.js';

const SPIN = 'select 1 as id\n{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n';
const TYPO = "select nope_col from {{ ref('events') }}\n";

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
//- /models/silver/events.sql
select event_id, user_id from {{ source('bronze', 'app_logs') }}
//- /models/gold/spin.sql
${SPIN}//- /models/gold/typo.sql
${TYPO}`;

let c: Client;
before(async () => {
  c = await Client.start(PROJECT);
});
after(async () => c.stop());

test('a runaway template holds up neither hover nor other files, and ends in a warning on its model', async () => {
  await c.open('models/gold/spin.sql', SPIN);
  // The spin model is rendering now; the main thread still answers.
  const hover = await c.connection.sendRequest('textDocument/hover', { textDocument: { uri: c.uri('models/gold/typo.sql') }, position: { line: 0, character: 31 } });
  const answeredBefore = c.published.length;
  assert.ok(hover, 'hover on the ref answers');
  await c.open('models/gold/typo.sql', TYPO);
  const typo = await c.diagnosticsOf('models/gold/typo.sql', (l) => l.some((d) => d.code === 'unknown-column'), 'the unknown column');
  assert.match(String(typo[0].message), /nope_col/);
  const spin = await c.diagnosticsOf('models/gold/spin.sql', (l) => l.some((d) => d.code === 'render-budget'), 'the runaway warning');
  const warnedAt = c.published.findIndex((p) => p.uri === c.uri('models/gold/spin.sql') && p.diagnostics.some((d) => d.code === 'render-budget'));
  assert.ok(warnedAt >= answeredBefore, 'hover was answered before the runaway render was stopped');
  assert.equal(spin[0].severity, 2, 'a warning: the CLI may still render it within the project budget');
  assert.match(String(spin[0].message), /Not checked in the editor: rendering this model took longer than 2 s/);
  // Fixed, the model renders again (on a new worker) and the warning goes away.
  await c.change('models/gold/spin.sql', 'select 1 as id\n');
  await c.diagnosticsOf('models/gold/spin.sql', (l) => l.length === 0, 'no more warning');
});
