{{ config(fail_calc='cast(coalesce(sum(units), 0) as integer)', warn_if='> 4', error_if='> 100') }}
select units from {{ ref('stg_sales') }} where colour = 'crimson'
