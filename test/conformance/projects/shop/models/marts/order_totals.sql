{% set methods = ['card', 'voucher', 'bank_transfer', 'gift_card'] %}

with payments as (
    select * from {{ ref('stg_payments') }}
),

per_order as (
    select
        order_id,
        {% for method in methods -%}
        sum(case when payment_method = '{{ method }}' then amount else 0 end) as {{ method }}_amount,
        {% endfor -%}
        sum(amount) as total_amount,
        count(*) as payment_count
    from payments
    group by order_id
)

select
    o.order_id,
    o.customer_id,
    o.ordered_on,
    o.order_state,
    o.is_fulfilled,
    {% for method in methods -%}
    p.{{ method }}_amount,
    {% endfor -%}
    coalesce(p.total_amount, 0) as total_amount,
    coalesce(p.payment_count, 0) as payment_count
from {{ ref('stg_orders') }} as o
left join per_order as p using (order_id)
