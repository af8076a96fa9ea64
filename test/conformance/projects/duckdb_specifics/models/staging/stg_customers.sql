select customer_id, full_name, segment
from {{ source('shop_files', 'customers') }}
