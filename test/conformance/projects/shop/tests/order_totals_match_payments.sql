-- Every paid order's total equals the sum of its payments.
select o.order_id
from {{ ref('order_totals') }} as o
join (select order_id, sum(amount) as paid from {{ ref('stg_payments') }} group by 1) as p using (order_id)
where o.total_amount <> p.paid
