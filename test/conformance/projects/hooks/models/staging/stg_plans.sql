select plan_id, plan_name, monthly_fee from {{ ref('plans') }}
