{{ config(materialized='table') }}

with orders as (
    select * from {{ ref('order_totals') }}
),

per_customer as (
    select
        customer_id,
        min(ordered_on) as first_order_on,
        max(ordered_on) as last_order_on,
        count(*) as order_count,
        sum(total_amount) filter (where order_state <> 'refunded') as lifetime_value
    from orders
    group by customer_id
)

select
    c.customer_id,
    c.first_name,
    c.last_name,
    c.country_code,
    p.first_order_on,
    p.last_order_on,
    coalesce(p.order_count, 0) as order_count,
    p.lifetime_value,
    case
        when p.order_count is null then 'prospect'
        when p.order_count >= 5 then 'regular'
        else 'occasional'
    end as segment
from {{ ref('stg_customers') }} as c
left join per_customer as p using (customer_id)
