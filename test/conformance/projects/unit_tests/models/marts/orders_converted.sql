select
  order_id,
  round(amount * {{ var('fx_rate') }}, 2) as converted_amount,
  '{{ env_var("SHOP_REGION", "us") }}' as region
from {{ ref('stg_orders') }}
