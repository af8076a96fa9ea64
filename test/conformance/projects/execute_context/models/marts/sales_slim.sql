select {{ columns_except(ref('stg_sales'), ['unit_price', 'REVENUE']) }}
from {{ ref('stg_sales') }}
