select
    account_id,
    account_name,
    plan,
    opened_on,
    is_active,
    monthly_fee,
    alert_time
from {{ ref('accounts') }}
