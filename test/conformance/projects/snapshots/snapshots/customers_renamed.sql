{% snapshot customers_renamed %}
{{
    config(
      strategy='timestamp',
      unique_key='customer_id',
      updated_at='updated_at',
      snapshot_meta_column_names={'dbt_valid_from': 'valid_from', 'dbt_valid_to': 'valid_to', 'dbt_scd_id': 'version_id', 'dbt_updated_at': 'changed_at'},
      dbt_valid_to_current="cast('9999-12-31' as timestamp)",
    )
}}
select customer_id, tier, updated_at from {{ source('crm', 'customers') }} where tier <> 'trial'
{% endsnapshot %}
