{% snapshot plan_history %}
{{ config(strategy='timestamp', unique_key='plan_id', updated_at='changed_at', pre_hook="insert into audit.runs values ('pre-snapshot', 'plan_history')") }}
select plan_id, monthly_fee, timestamp '2024-01-01' as changed_at from {{ ref('plans') }}
{% endsnapshot %}
