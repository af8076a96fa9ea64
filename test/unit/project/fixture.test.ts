// Checks the inline fixture helper the other unit tests are written with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, rangeOf } from '../../support/fixture.js';

test('fixture splits files, strips indentation and finds the cursor', async () => {
  const f = fixture(`
    //- /pipeline.yml
    name: shop
    //- /models/gold/orders.sql
    select * from {{ ref('stg_$0') }}
  `);
  assert.deepEqual(Object.keys(f.files), ['pipeline.yml', 'models/gold/orders.sql']);
  assert.equal(f.files['pipeline.yml'], 'name: shop\n');
  assert.equal(f.files['models/gold/orders.sql'], "select * from {{ ref('stg_') }}\n");
  assert.deepEqual(f.cursor, { file: 'models/gold/orders.sql', offset: 26 });
  assert.equal(await f.fs.readFile('/project/pipeline.yml'), 'name: shop\n');
  assert.deepEqual(rangeOf(f, 'models/gold/orders.sql', 'stg_'), { start: 22, end: 26 });
});

test('fixture without a cursor has none and empty files stay empty', () => {
  const f = fixture('//- /a.sql\n//- /b.sql\nselect 1', '/r');
  assert.equal(f.cursor, undefined);
  assert.equal(f.files['a.sql'], '');
  assert.equal(f.files['b.sql'], 'select 1\n');
});
