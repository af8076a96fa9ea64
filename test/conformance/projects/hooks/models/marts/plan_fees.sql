{{ config(pre_hook="create table if not exists audit.fee_snapshots as select 0 as plan_count where false") }}
select plan_name, monthly_fee * 12 as yearly_fee from {{ ref('stg_plans') }}
