select
    o.order_id,
    o.ordered_on,
    c.full_name as customer,
    c.segment,
    p.product_name,
    p.category,
    o.quantity,
    o.quantity * p.unit_price as amount,
    r.region_name
from {{ ref('stg_orders') }} o
join {{ ref('stg_products') }} p using (product_id)
join {{ ref('stg_customers') }} c using (customer_id)
join {{ ref('stg_regions') }} r on r.region_id = o.region_id
