select
  sale_id,
  shop,
  colour,
  units,
  unit_price,
  units * unit_price as revenue,
  cast(sold_on as date) as sold_on
from {{ ref('lantern_sales') }}
