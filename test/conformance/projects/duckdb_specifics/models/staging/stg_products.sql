select product_id, product_name, unit_price, category
from {{ source('shop_files', 'products') }}
