// dbt's store_failures on a real DuckDB: a test's failing rows are kept in
// `<target schema>_dbt_test__audit.<test alias>` (a table, or a view with store_failures_as: view),
// empty when the test passes; a test name of 64+ characters gets dbt's short hashed alias.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { openWarehouse } from '../../../runtime/engine/duckdb.js';
import { tempProject, type TempProject } from '../run/project.js';

const LONG = 'accepted_values_payments_payment_method_in_a_rather_long_column__card__cash';

const PROJECT = `
//- /dbt_project.yml
name: shop
//- /seeds/payments.csv
id,amount,payment_method_in_a_rather_long_column
1,10,card
2,-3,cash
3,-1,coupon
//- /tests/negative.sql
{{ config(store_failures_as='view') }}
select * from {{ ref('payments') }} where amount < 0
//- /models/schema.yml
version: 2
seeds:
  - name: payments
    columns:
      - name: id
        data_tests:
          - unique:
              config: { store_failures: true }
      - name: payment_method_in_a_rather_long_column
        data_tests:
          - accepted_values:
              values: [card, cash]
              config: { store_failures: true, severity: warn }
`;

describe('store_failures', () => {
  let project: TempProject;
  before(async () => {
    project = tempProject(PROJECT);
    await project.run({ command: 'build' });
  });
  after(() => project.dispose());

  it('keeps failing rows as a table or a view, empty for a passing test, under a hashed alias when the name is long', async () => {
    const db = await openWarehouse(path.join(project.root, 'warehouse.duckdb'), { readOnly: true });
    try {
      const kinds = (await db.query(`select table_name, table_type from information_schema.tables where table_schema = 'main_dbt_test__audit' order by 1`)).rows;
      const alias = `accepted_values_payments_${createHash('md5').update(LONG).digest('hex')}`;
      assert.deepEqual(kinds, [
        { table_name: alias, table_type: 'BASE TABLE' },
        { table_name: 'negative', table_type: 'VIEW' },
        { table_name: 'unique_payments_id', table_type: 'BASE TABLE' },
      ]);
      const count = async (rel: string): Promise<number> => Number((await db.query(`select count(*) as n from main_dbt_test__audit."${rel}"`)).rows[0].n);
      assert.equal(await count('unique_payments_id'), 0, 'a passing test stores an empty table');
      assert.equal(await count('negative'), 2);
      assert.equal(await count(alias), 1, 'the one value not accepted');
    } finally {
      db.close();
    }
  });
});
