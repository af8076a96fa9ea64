{{ config(materialized='view') }}
select count(*) as plans from {{ ref('stg_plans') }}
