// The shared fixture of the analysis tests, and how to vary one of its files. Opening a fixture as a
// workspace (open) lives with the feature checks in test/support/check.ts.
export { open, type Opened } from '../../support/check.js';

/** A small medallion project: a bronze source, a silver model, a gold model with an enforced contract. */
export const SHOP = `
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
      ts: { type: timestamptz }
//- /models/silver/events.sql
{{ config(materialized='table') }}
select event_id, user_id, amount, ts from {{ source('bronze', 'app_logs') }}
//- /models/silver/schema.yml
version: 2
models:
  - name: events
    description: Typed, deduplicated events
//- /models/gold/revenue.sql
select e.user_id, sum(e.amount) as revenue from {{ ref('events') }} e group by 1
//- /models/gold/schema.yml
version: 2
models:
  - name: revenue
    description: Revenue per user
    config:
      contract: { enforced: true }
    columns:
      - name: user_id
        data_type: integer
      - name: revenue
        data_type: double
//- /macros/cents.sql
{% macro cents(x) %}({{ x }} * 100)::bigint{% endmacro %}
`;

/** The fixture with one file's text replaced (the cursor marker `$0` allowed in it). */
export function withFile(base: string, path: string, body: string): string {
  const parts = base.split(/^(?=\/\/- \/)/m);
  const header = `//- /${path}\n`;
  const kept = parts.filter((p) => !p.startsWith(header));
  return `${kept.join('')}${header}${body}\n`;
}
