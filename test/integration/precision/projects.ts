// The projects precision and recall are measured on: originals written here in the shapes users write
// (a dbt-duckdb project on seeds; a pipeline.yml project on a bronze JSON source), the repository's
// sample workspace, and the conformance suite's projects (test/conformance/projects/).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fixture } from '../../support/fixture.js';
import type { Files } from './oracle.js';

export interface PrecisionProject {
  name: string;
  files: Files;
}

/** dbt-duckdb on seeds without column_types: a macro with arguments, CTEs, an ephemeral model, `* exclude`, `columns(...)`, contracts. */
const SHOP = `
//- /dbt_project.yml
name: shop
//- /seeds/raw_customers.csv
id,first_name,last_name,signup_date
1,Ada,Lovelace,2025-12-01
2,Alan,Turing,2025-12-03
3,Grace,Hopper,2025-12-07
//- /seeds/raw_orders.csv
id,customer_id,order_date,status
1,1,2026-01-01,completed
2,1,2026-01-03,returned
3,2,2026-01-04,placed
4,3,2026-01-05,completed
//- /seeds/raw_payments.csv
id,order_id,payment_method,amount
1,1,card,1250
2,1,coupon,300
3,2,card,990
4,4,bank_transfer,4000
//- /macros/cents_to_dollars.sql
{% macro cents_to_dollars(column_name, scale=2) %}round({{ column_name }} / 100.0, {{ scale }}){% endmacro %}
//- /models/staging/stg_customers.sql
with source as (
    select * from {{ ref('raw_customers') }}
),
renamed as (
    select
        id as customer_id,
        first_name,
        last_name,
        signup_date
    from source
)
select * from renamed
//- /models/staging/stg_orders.sql
select
    id as order_id,
    customer_id,
    order_date,
    status
from {{ ref('raw_orders') }}
//- /models/staging/stg_payments.sql
select
    id as payment_id,
    order_id,
    payment_method,
    {{ cents_to_dollars('amount') }} as amount
from {{ ref('raw_payments') }}
//- /models/staging/schema.yml
version: 2
models:
  - name: stg_customers
    columns:
      - name: customer_id
        data_tests: [unique, not_null]
  - name: stg_orders
    columns:
      - name: status
        data_tests:
          - accepted_values:
              values: [placed, completed, returned]
  - name: stg_payments
    columns:
      - name: payment_method
        data_tests:
          - accepted_values:
              values: [card, coupon, bank_transfer]
      - name: order_id
        data_tests:
          - relationships:
              to: ref('stg_orders')
              field: order_id
//- /models/marts/order_payments.sql
{{ config(materialized='ephemeral') }}
select
    order_id,
    sum(amount) as amount,
    count(*) as payment_count
from {{ ref('stg_payments') }}
group by order_id
//- /models/marts/orders.sql
{{ config(materialized='table') }}
select
    o.order_id,
    o.customer_id,
    o.order_date,
    o.status,
    coalesce(p.amount, 0) as amount,
    coalesce(p.payment_count, 0) as payment_count
from {{ ref('stg_orders') }} o
left join {{ ref('order_payments') }} p on p.order_id = o.order_id
//- /models/marts/customers.sql
with orders as (
    select * from {{ ref('orders') }}
),
customer_orders as (
    select
        customer_id,
        min(order_date) as first_order,
        count(*) as number_of_orders,
        sum(amount) as lifetime_value
    from orders
    group by customer_id
)
select
    c.* exclude (signup_date),
    co.first_order,
    coalesce(co.number_of_orders, 0) as number_of_orders,
    coalesce(co.lifetime_value, 0) as lifetime_value
from {{ ref('stg_customers') }} c
left join customer_orders co on co.customer_id = c.customer_id
//- /models/marts/customer_names.sql
select
    customer_id,
    columns('(first|last)_name'),
    first_name || ' ' || last_name as full_name
from {{ ref('stg_customers') }}
//- /models/marts/schema.yml
version: 2
models:
  - name: orders
    config:
      contract: { enforced: true }
    columns:
      - name: order_id
        data_type: integer
        data_tests: [unique, not_null]
      - name: customer_id
        data_type: integer
        data_tests:
          - relationships:
              to: ref('stg_customers')
              field: customer_id
      - name: order_date
        data_type: date
      - name: status
        data_type: varchar
      - name: amount
        data_type: double
      - name: payment_count
        data_type: bigint
  - name: customers
    config:
      contract: { enforced: true }
    columns:
      - name: customer_id
        data_type: integer
      - name: first_name
        data_type: varchar
      - name: last_name
        data_type: varchar
      - name: first_order
        data_type: date
      - name: number_of_orders
        data_type: bigint
      - name: lifetime_value
        data_type: double
  - name: customer_names
    columns:
      - name: full_name
        data_tests: [not_null]
//- /tests/assert_no_negative_amounts.sql
select * from {{ ref('orders') }} where amount < 0
`;

const EVENTS = [
  { event_id: 'e1', user_id: 1, page: '/home', ts: '2026-01-01 09:00:00' },
  { event_id: 'e2', user_id: 1, page: '/pricing', ts: '2026-01-01 09:04:00' },
  { event_id: 'e3', user_id: 2, page: '/home', ts: '2026-01-01 10:00:00' },
  { event_id: 'e4', user_id: 2, page: '/docs', ts: '2026-01-02 11:30:00' },
  { event_id: 'e5', user_id: 3, page: '/blog', ts: '2026-01-02 12:00:00' },
]
  .map((e) => JSON.stringify(e))
  .join('\n');

/** pipeline.yml with a bronze JSON source and its raw contract, a seed, silver and contracted gold models. */
const CLICKS = `
//- /pipeline.yml
name: clicks
lake: ./lake
warehouse: ./warehouse.duckdb
sources:
  events:
    format: json
    path: bronze/events/*.json
    columns:
      event_id: { type: varchar, required: true, tests: [unique] }
      user_id: { type: integer, required: true }
      page: { type: varchar }
      ts: { type: timestamp, required: true }
    dedupe_on: [event_id]
//- /lake/bronze/events/part-0.json
${EVENTS}
//- /seeds/pages.csv
page,section,weight
/home,marketing,1.0
/pricing,marketing,2.5
/docs,product,1.5
//- /macros/minutes_between.sql
{% macro minutes_between(start, finish) %}date_diff('minute', {{ start }}, {{ finish }}){% endmacro %}
//- /models/silver/page_views.sql
{{ config(materialized='table') }}
select
    e.event_id,
    e.user_id,
    coalesce(p.section, 'other') as section,
    e.page,
    e.ts,
    cast(e.ts as date) as view_date
from {{ source('bronze', 'events') }} e
left join {{ ref('pages') }} p on p.page = e.page
//- /models/silver/user_sessions.sql
with ordered as (
    select
        *,
        lag(ts) over (partition by user_id order by ts) as previous_ts
    from {{ ref('page_views') }}
)
select
    user_id,
    view_date,
    min(ts) as started_at,
    max(ts) as ended_at,
    {{ minutes_between('min(ts)', 'max(ts)') }} as minutes,
    count(*) as views
from ordered
group by user_id, view_date
//- /models/silver/_silver.yml
version: 2
models:
  - name: page_views
    columns:
      - name: event_id
        data_tests: [unique, not_null]
      - name: section
        data_tests:
          - accepted_values:
              values: [marketing, product, other]
  - name: user_sessions
    columns:
      - name: views
        data_tests: [not_null]
//- /models/gold/daily_sections.sql
select
    view_date,
    section,
    count(distinct user_id) as users,
    count(*) as views
from {{ ref('page_views') }}
group by all
//- /models/gold/daily_users.sql
select
    view_date,
    count(*) as users,
    avg(minutes) as avg_minutes,
    sum(views) as views
from {{ ref('user_sessions') }}
group by view_date
//- /models/gold/_gold.yml
version: 2
models:
  - name: daily_sections
    config:
      contract: { enforced: true }
    columns:
      - name: view_date
        data_type: date
        data_tests: [not_null]
      - name: section
        data_type: varchar
      - name: users
        data_type: bigint
      - name: views
        data_type: bigint
  - name: daily_users
    config:
      contract: { enforced: true }
    columns:
      - name: view_date
        data_type: date
        data_tests: [unique]
      - name: users
        data_type: bigint
      - name: avg_minutes
        data_type: double
      - name: views
        data_type: hugeint
`;

/** Files of a project folder in the repository, without what a build leaves behind. */
function readProject(dir: string): Files {
  const files: Files = {};
  const skip = /^(target|\.medallion|lake\/(silver|gold|_rejected)|logs|dbt_packages)(\/|$)|\.duckdb(\.wal)?$|(^|\/)README\.md$/;
  const walk = (rel: string): void => {
    for (const name of readdirSync(path.join(dir, rel))) {
      const file = rel ? `${rel}/${name}` : name;
      if (skip.test(file)) continue;
      if (statSync(path.join(dir, file)).isDirectory()) walk(file);
      else files[file] = readFileSync(path.join(dir, file), 'utf8');
    }
  };
  walk('');
  return files;
}

const CONFORMANCE = 'test/conformance/projects';

export function projects(): PrecisionProject[] {
  const out: PrecisionProject[] = [
    { name: 'shop (dbt, seeds)', files: fixture(SHOP).files },
    { name: 'clicks (pipeline.yml, bronze JSON)', files: fixture(CLICKS).files },
    { name: 'sample-workspace', files: readProject('sample-workspace') },
  ];
  if (existsSync(CONFORMANCE)) {
    for (const name of readdirSync(CONFORMANCE).sort()) {
      const dir = path.join(CONFORMANCE, name);
      if (statSync(dir).isDirectory() && (existsSync(path.join(dir, 'dbt_project.yml')) || existsSync(path.join(dir, 'pipeline.yml')))) out.push({ name: `conformance/${name}`, files: readProject(dir) });
    }
  }
  return out;
}
