select order_id, ordered_on, extract(isodow from ordered_on) >= 6 as weekend
from {{ ref('stg_orders') }}
