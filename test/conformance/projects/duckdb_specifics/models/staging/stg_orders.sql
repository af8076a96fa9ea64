select
    order_id,
    customer_id,
    product_id,
    region_id,
    quantity,
    cast(ordered_at as date) as ordered_on
from {{ source('shop_files', 'orders') }}
