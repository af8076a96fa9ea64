select store_id, order_no, status, amount
from {{ ref('order_lines') }}
where dbt_valid_to is null
