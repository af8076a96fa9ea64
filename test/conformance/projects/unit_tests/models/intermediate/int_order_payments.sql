select o.order_id, o.customer_id, o.amount, coalesce(sum(p.paid), 0) as paid
from {{ ref('stg_orders') }} o
left join {{ ref('stg_payments') }} p using (order_id)
group by all
