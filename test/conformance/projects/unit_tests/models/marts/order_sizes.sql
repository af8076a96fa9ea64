select order_id, case when amount >= 10 then 'large' else 'small' end as size
from {{ ref('stg_orders') }}
