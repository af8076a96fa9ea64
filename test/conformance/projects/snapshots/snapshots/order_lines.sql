{% snapshot order_lines %}
{{ config(schema='snaps', strategy='check', unique_key=['store_id', 'order_no'], check_cols='all', hard_deletes='invalidate') }}
select store_id, order_no, status, amount from {{ source('crm', 'orders') }}
{% endsnapshot %}
