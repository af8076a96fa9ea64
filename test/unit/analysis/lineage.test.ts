// Column lineage, hover and completion through `*`, DuckDB's `* exclude`/`* replace`/`columns(...)`,
// CTEs and ephemeral models (issue 12, item 5).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCompletion, checkHover, prepare } from '../../support/check.js';
import { checkColumnInputs, checkColumnLineage } from '../../support/checkLineage.js';
import { SHOP, withFile } from './support.js';

const STARS = withFile(
  withFile(SHOP, 'models/silver/paid.sql', "{{ config(materialized='ephemeral') }}\nselect event_id, user_id, amount * 100 as cents from {{ ref('events') }} where amount > 0"),
  'models/gold/stars.sql',
  [
    'with base as (select * exclude (ts) from {{ ref(\'events\') }}),',
    'renamed as (select * replace (amount * user_id as amount) from base)',
    "select r.*, p.cents, columns('^user') from renamed r join {{ ref('paid') }} p using (event_id)",
  ].join('\n'),
);
const BIND = { bind: ['models/gold/stars.sql'] };

test('lineage through * exclude and a CTE: the column comes from the upstream model', async () => {
  await checkColumnInputs(STARS, 'model.stars', 'event_id', `model.events.event_id`, BIND);
});

test('lineage through * replace: the replacing expression\'s inputs', async () => {
  await checkColumnInputs(STARS, 'model.stars', 'amount', `
    model.events.amount
    model.events.user_id
  `, BIND);
});

test('an excluded column is not passed through the star', async () => {
  await checkColumnInputs(STARS, 'model.stars', 'ts', `no inputs`, BIND);
});

test('lineage through an ephemeral model: the ephemeral model, then its own inputs', async () => {
  await checkColumnLineage(STARS, 'model.stars', 'cents', `
    model.paid.cents → model.stars.cents
    model.events.amount → model.paid.cents
    source.bronze.app_logs.amount → model.events.amount
  `, BIND);
});

test('columns(regex) passes through the columns it matches', async () => {
  await checkColumnInputs(STARS, 'model.stars', 'user_id', `model.events.user_id`, BIND);
});

test('hover and completion show the columns of a star query (a repeated name once, as the view names it) and of an ephemeral model', async () => {
  const uses = "select s.$0 from {{ ref('stars') }} s join {{ ref('paid') }} p using (event_id)";
  const opened = await prepare(withFile(STARS, 'models/gold/uses.sql', uses), { bind: ['models/gold/uses.sql'] });
  await checkCompletion(opened, `
    event_id  column · VARCHAR
    user_id  column · INTEGER
    amount  column · DOUBLE
    cents  column · DOUBLE
    user_id_1  column · INTEGER
    user_id_2  column · INTEGER
  `);
  // columns('^user') repeats user_id; the view DuckDB builds names the repeats apart, and so does the binder.
  assert.deepEqual(opened.ws.snapshot().columns('model.stars').map((c) => c.name), ['event_id', 'user_id', 'amount', 'cents', 'user_id_1', 'user_id_2']);
  assert.deepEqual(opened.ws.snapshot().columns('model.paid').map((c) => `${c.name}:${c.type}`), ['event_id:VARCHAR', 'user_id:INTEGER', 'cents:DOUBLE']);
  await checkHover({ ...opened, offset: opened.f.files['models/gold/uses.sql'].indexOf("'paid'") + 2 }, `
    hover "paid"
    **paid** — model · silver · ephemeral

    | column | type | |
    |---|---|---|
    | event_id | VARCHAR |  |
    | user_id | INTEGER |  |
    | cents | DOUBLE |  |

    **Upstream:** \`events\`
    **Downstream:** \`stars\`, \`uses\`
  `);
});
