// Hover on a source shows its freshness: the last `source freshness` from target/sources.json (dbt's
// format), its thresholds when it was never checked, and a rewritten sources.json replaces the old one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSourcesJson } from '../../../server/src/analysis/sourceFreshness.js';
import { checkHover, open } from '../../support/check.js';

const PROJECT = `
//- /dbt_project.yml
name: shop
//- /models/sources.yml
version: 2
sources:
  - name: raw
    loaded_at_field: loaded_at
    freshness:
      warn_after: {count: 12, period: hour}
      error_after: {count: 1, period: day}
    tables:
      - name: orders
      - name: customers
//- /models/stg_orders.sql
select * from {{ source('raw', 'ord$0ers') }} join {{ source('raw', 'customers') }} using (id)
`;

function sourcesJson(status: string, age: number): string {
  return JSON.stringify({
    metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/sources/v3.json', generated_at: '2026-11-20T10:00:01Z' },
    results: [
      { unique_id: 'source.shop.raw.orders', status, max_loaded_at: '2026-11-19T20:00:00+00:00', snapshotted_at: '2026-11-20T10:00:00+00:00', max_loaded_at_time_ago_in_s: age, criteria: { warn_after: { count: 12, period: 'hour' }, error_after: { count: 1, period: 'day' }, filter: null } },
      { unique_id: 'source.shop.raw.customers', status: 'runtime error', error: 'Binder Error: column "loaded_at" not found' },
    ],
  });
}

test('hover on a source: the last freshness check, replaced when sources.json is rewritten', async () => {
  const opened = await open(`${PROJECT}//- /target/sources.json\n${sourcesJson('warn', 50400)}\n`);
  await checkHover(opened, `
    hover "raw', 'orders"
    **raw.orders** — source

    **Downstream:** \`stg_orders\`
    **Freshness:** warn · newest 14h 0m old (warn after 12 hours, error after 1 day) · checked 2026-11-20T10:00:00+00:00
  `);

  // What the server does when its watcher reports the file changed.
  opened.f.fs.write(`${opened.f.root}/target/sources.json`, sourcesJson('pass', 600));
  await opened.ws.reload('target/sources.json');
  await checkHover(opened, `
    hover "raw', 'orders"
    **raw.orders** — source

    **Downstream:** \`stg_orders\`
    **Freshness:** pass · newest 10m old (warn after 12 hours, error after 1 day) · checked 2026-11-20T10:00:00+00:00
  `);
  await checkHover({ ...opened, offset: opened.ws.snapshot().text(opened.file)!.indexOf('customers') + 2 }, `
    hover "raw', 'customers"
    **raw.customers** — source

    **Downstream:** \`stg_orders\`
    **Freshness:** runtime error · 2026-11-20T10:00:01Z — Binder Error: column "loaded_at" not found
  `);
});

test('hover on a source never checked shows its thresholds', async () => {
  await checkHover(PROJECT, `
    hover "raw', 'orders"
    **raw.orders** — source

    **Downstream:** \`stg_orders\`
    **Freshness:** warn after 12 hours, error after 1 day; not checked yet (\`medallion source freshness\`)
  `);
});

test('a broken or foreign sources.json reads as no results', () => {
  assert.equal(readSourcesJson('{"results": [').size, 0);
  assert.equal(readSourcesJson('{"results": [{"status": 3}, null]}').size, 0);
});
