{{ config(materialized='external', location='exports/monthly_region_sales.csv', format='csv') }}
select
    strftime(ordered_on, '%Y-%m') as month,
    region_name,
    count(*) as orders,
    sum(amount) as revenue
from {{ ref('order_lines') }}
group by all
