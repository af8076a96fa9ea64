-- depends_on: {{ ref('stg_sales') }}
{% call statement('best_day', fetch_result=True) %}
  select sold_on, sum(revenue) as revenue from {{ ref('stg_sales') }} group by 1 order by 2 desc, 1 limit 1
{% endcall %}
{%- set best = load_result('best_day') -%}
{%- set best_date = best['data'][0][0] if execute else '2000-01-01' -%}
select
  cast('{{ best_date }}' as date) as best_day,
  {{ dateadd('day', 1, "cast('" ~ best_date ~ "' as date)") }} as day_after,
  {{ last_day("cast('" ~ best_date ~ "' as date)", 'month') }} as month_end,
  '{{ modules.datetime.date(2026, 3, 1).strftime('%Y-%m') }}' as season
