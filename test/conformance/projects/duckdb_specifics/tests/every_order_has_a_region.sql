select o.order_id
from {{ ref('stg_orders') }} o
left join ref_db.main.regions r on r.region_id = o.region_id
where r.region_id is null
