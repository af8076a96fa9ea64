// The project the fuzzers start from: a bronze source in JSON and in CSV, silver and gold models, a
// macro, a seed, schema YAML with tests, a singular test, and a 0.2 s render budget for runaways.

export const PROJECT = `
//- /pipeline.yml
name: fuzz
lake: ./lake
warehouse: ./warehouse.duckdb
render: { timeout_seconds: 0.2 }
sources:
  events:
    format: json
    path: bronze/events/*.json
    columns:
      id: { type: integer, required: true }
      kind: { type: varchar }
      ts: { type: timestamptz }
    dedupe_on: [id]
  payments:
    format: csv
    path: bronze/payments/*.csv
    columns:
      id: { type: integer, required: true }
      amount: { type: 'decimal(10,2)' }
//- /lake/bronze/events/a.json
{"id": 1, "kind": "view", "ts": "2026-01-01T10:00:00Z"}
{"id": 2, "kind": "click", "ts": "2026-01-01T11:00:00Z"}
{"id": 2, "kind": "click", "ts": "2026-01-01T11:00:00Z"}
//- /lake/bronze/payments/p.csv
id,amount
1,10.50
2,3.25
//- /seeds/kinds.csv
kind,label
view,Viewed
click,Clicked
//- /macros/cents.sql
{% macro cents(col) %}cast({{ col }} * 100 as integer){% endmacro %}
//- /models/silver/events_clean.sql
{{ config(materialized='table') }}
select id, kind, ts from {{ source('bronze', 'events') }} where id is not null
//- /models/silver/payments_clean.sql
select id, {{ cents('amount') }} as cents from {{ source('bronze', 'payments') }}
//- /models/gold/daily.sql
{{ config(materialized='table') }}
select e.kind, k.label, count(*) as n, sum(p.cents) as cents
from {{ ref('events_clean') }} e
left join {{ ref('kinds') }} k using (kind)
left join {{ ref('payments_clean') }} p using (id)
group by all
//- /models/gold/schema.yml
version: 2
models:
  - name: daily
    columns:
      - name: kind
        data_tests: [not_null, { accepted_values: { values: [view, click] } }]
      - name: n
        data_tests: [not_null]
//- /tests/no_negative.sql
select * from {{ ref('payments_clean') }} where cents < 0
`;

/** The files a fuzzer may break, with what they are written in. */
export const FILES: Array<{ file: string; kind: 'yaml' | 'template' | 'data' }> = [
  { file: 'pipeline.yml', kind: 'yaml' },
  { file: 'models/gold/schema.yml', kind: 'yaml' },
  { file: 'models/silver/events_clean.sql', kind: 'template' },
  { file: 'models/silver/payments_clean.sql', kind: 'template' },
  { file: 'models/gold/daily.sql', kind: 'template' },
  { file: 'macros/cents.sql', kind: 'template' },
  { file: 'tests/no_negative.sql', kind: 'template' },
  { file: 'seeds/kinds.csv', kind: 'data' },
  { file: 'lake/bronze/events/a.json', kind: 'data' },
  { file: 'lake/bronze/payments/p.csv', kind: 'data' },
];
