-- The deterministic facts of snapshots whose timestamps come from the clock (check strategy, deletes).
select 'customer_tiers' as snapshot, count(*) as row_count, count(*) filter (where dbt_valid_to is null) as open_rows,
       count(*) filter (where dbt_is_deleted = 'True') as deleted_rows, count(distinct dbt_scd_id) as versions
from {{ ref('customer_tiers') }}
union all
select 'customers_invalidated', count(*), count(*) filter (where dbt_valid_to is null), 0, count(distinct dbt_scd_id)
from {{ ref('customers_invalidated') }}
union all
select 'order_lines', count(*), count(*) filter (where dbt_valid_to is null), 0, count(distinct dbt_scd_id)
from {{ ref('order_lines') }}
union all
select 'product_prices', count(*), count(*) filter (where dbt_valid_to is null), count(*) filter (where dbt_is_deleted = 'True'), count(distinct dbt_scd_id)
from {{ ref('product_prices') }}
