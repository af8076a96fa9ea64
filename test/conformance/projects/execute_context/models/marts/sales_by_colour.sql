{%- set colours = distinct_values(ref('stg_sales'), 'colour') -%}
select
  shop
  {%- for colour in colours %},
  sum(case when colour = '{{ colour }}' then units else 0 end) as {{ colour }}_units
  {%- endfor %}
from {{ ref('stg_sales') }}
group by shop
