{{ config(materialized='external') }}
select
    category,
    count(*) as orders,
    sum(quantity) as units,
    sum(amount) as revenue
from {{ ref('order_lines') }}
group by category
