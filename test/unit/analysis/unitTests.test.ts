// Unit tests in the editor: a given or expected row's column that the input or the model does not
// have is a diagnostic at its key; a value that cannot cast to a known type is one too; unknown
// columns (nothing certain about them) are never reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDiagnostics, checkFix } from '../../support/check.js';
import { SHOP, withFile } from './support.js';

const FILE = 'models/gold/unit.yml';
const BOTH = { files: [FILE], bind: ['models/gold/revenue.sql', 'models/silver/events.sql'] };

test('a typo in a given row and in an expected row is a diagnostic at its key', async () => {
  await checkDiagnostics(withFile(SHOP, FILE, `version: 2
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
`), `
  models/gold/unit.yml: "amout": 'events' has no column 'amout' (it has event_id, user_id, amount, ts); did you mean 'amount'? [error unit-test-unknown-column]
  models/gold/unit.yml: "amount": 'many' cannot be a DOUBLE (column 'amount' of 'events'): it is not a number [error unit-test-bad-value]
  models/gold/unit.yml: "revenu": the output of 'revenue' has no column 'revenu' (it has user_id, revenue); did you mean 'revenue'? [error unit-test-unknown-column]
`, BOTH);
});

test('rows on known columns with castable values, and sql rows, are fine', async () => {
  await checkDiagnostics(withFile(SHOP, FILE, `version: 2
unit_tests:
  - name: sums
    model: revenue
    given:
      - input: ref('events')
        rows: [{user_id: 1, amount: '2.5'}, {user_id: '7', amount: null}]
    expect:
      format: sql
      rows: select 1 as user_id, 2.5 as nope
`), `no diagnostics`, BOTH);
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
  const [d] = await checkDiagnostics(withFile(SHOP, FILE, yaml), `models/gold/unit.yml: "amout": 'events' has no column 'amout' (it has event_id, user_id, amount, ts); did you mean 'amount'? [error unit-test-unknown-column]`, { files: [FILE], bind: ['models/gold/revenue.sql'] });
  assert.deepEqual(d.data, { suggestion: 'amount' });
});

test('a typo\'d column in a row is fixable to the closest column, not the first one near it', async () => {
  const events = withFile(SHOP, 'models/silver/events.sql', "select ts as created_at, ts as created_on from {{ source('bronze', 'app_logs') }}");
  await checkFix(withFile(events, FILE, `version: 2
unit_tests:
  - name: sums
    model: revenue
    given:
      - input: ref('events')
        rows:
          - {created_$0o: '2024-01-01'}
    expect:
      rows: []
`), `
    Change to 'created_on' (preferred)
    --- models/gold/unit.yml
    version: 2
    unit_tests:
      - name: sums
        model: revenue
        given:
          - input: ref('events')
            rows:
              - {created_on: '2024-01-01'}
        expect:
          rows: []
  `, { bind: ['models/silver/events.sql'] });
});
