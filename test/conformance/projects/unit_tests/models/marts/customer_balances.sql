select
  c.customer_id,
  c.customer_name,
  count(op.order_id) as orders,
  coalesce(sum(op.amount - op.paid), 0) as balance
from {{ ref('stg_customers') }} c
left join {{ ref('int_order_payments') }} op using (customer_id)
group by all
