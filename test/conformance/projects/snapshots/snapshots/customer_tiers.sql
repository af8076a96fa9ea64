{% snapshot customer_tiers %}
{{ config(strategy='check', unique_key='customer_id', check_cols=['tier', 'full_name'], hard_deletes='new_record') }}
select customer_id, full_name, tier, lower(full_name) as search_name from {{ source('crm', 'customers') }}
{% endsnapshot %}
