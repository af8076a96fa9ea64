{% snapshot customers_invalidated %}
{{
    config(
      target_schema='history',
      strategy='timestamp',
      unique_key='customer_id',
      updated_at='updated_at',
      invalidate_hard_deletes=True,
    )
}}
select * from {{ source('crm', 'customers') }}
{% endsnapshot %}
