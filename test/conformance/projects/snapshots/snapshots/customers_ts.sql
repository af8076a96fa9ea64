{% snapshot customers_ts %}
{{ config(strategy='timestamp', unique_key='customer_id', updated_at='updated_at') }}
select customer_id, full_name, tier, updated_at from {{ source('crm', 'customers') }}
{% endsnapshot %}
