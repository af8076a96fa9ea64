select
    p.order_id,
    count(*) as payments,
    sum(p.amount) as paid,
    max(s.status) as shipment_status,
    bool_or(coalesce(s.is_delivered, false)) as delivered
from {{ ref('stg_payments') }} p
left join {{ ref('shipment_status') }} s on s.order_id = p.order_id
group by p.order_id
