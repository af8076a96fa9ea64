// Unit tests in the editor: a given or expected row's column that the input or the model does not
// have is a diagnostic at its key; a value that cannot cast to a known type is one too; unknown
// columns (nothing certain about them) are never reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boundDiagnostics } from '../../../server/src/analysis/diagnostics.js';
import { rangeOf } from '../../support/fixture.js';
import { open, SHOP, withFile } from './support.js';

const FILE = 'models/gold/unit.yml';

async function diagnosticsOf(yaml: string): Promise<{ list: Array<{ code?: string; text: string; message: string }> }> {
  const { ws, f } = await open(withFile(SHOP, FILE, yaml));
  await ws.binder.bindFiles(['models/gold/revenue.sql', 'models/silver/events.sql']);
  const list = boundDiagnostics(ws, FILE)
    .filter((d) => d.code?.startsWith('unit-test'))
    .map((d) => ({ code: d.code, text: f.files[FILE].slice(d.range.start, d.range.end), message: d.message }));
  return { list };
}

test('a typo in a given row and in an expected row is a diagnostic at its key', async () => {
  const { list } = await diagnosticsOf(`version: 2
unit_tests:
  - name: sums
    model: revenue
    given:
      - input: ref('events')
        rows:
          - {user_id: 1, amout: 2.5}
          - {user_id: 1, amount: 'many'}
    expect:
      format: csv
      rows: |
        user_id,revenu
        1,5
`);
  assert.deepEqual(list, [
    { code: 'unit-test-unknown-column', text: 'amout', message: "'events' has no column 'amout' (it has event_id, user_id, amount, ts)" },
    { code: 'unit-test-bad-value', text: 'amount', message: "'many' cannot be a DOUBLE (column 'amount' of 'events'): it is not a number" },
    { code: 'unit-test-unknown-column', text: 'revenu', message: "the output of 'revenue' has no column 'revenu' (it has user_id, revenue)" },
  ]);
});

test('rows on known columns with castable values, and sql rows, are fine', async () => {
  const { list } = await diagnosticsOf(`version: 2
unit_tests:
  - name: sums
    model: revenue
    given:
      - input: ref('events')
        rows: [{user_id: 1, amount: '2.5'}, {user_id: '7', amount: null}]
    expect:
      format: sql
      rows: select 1 as user_id, 2.5 as nope
`);
  assert.deepEqual(list, []);
});

test('the typo range is the key itself, for the quick fix and the squiggle', async () => {
  const yaml = `version: 2
unit_tests:
  - name: sums
    model: revenue
    given:
      - input: ref('events')
        rows:
          - user_id: 1
            amout: 2.5
    expect:
      rows: []
`;
  const { ws, f } = await open(withFile(SHOP, FILE, yaml));
  await ws.binder.bindFiles(['models/gold/revenue.sql']);
  const d = boundDiagnostics(ws, FILE).find((x) => x.code === 'unit-test-unknown-column');
  assert.ok(d);
  assert.deepEqual(d.range, rangeOf(f, FILE, 'amout'));
  assert.deepEqual(d.data, { suggestion: 'amount' });
});
