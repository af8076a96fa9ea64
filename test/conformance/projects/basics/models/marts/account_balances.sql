select
    a.account_id,
    a.account_name,
    a.plan,
    p.tier,
    coalesce(m.movement_count, 0) as movement_count,
    coalesce(m.net_amount, 0) as balance,
    m.last_movement_at,
    a.is_active and coalesce(m.net_amount, 0) >= 0 as in_good_standing
from {{ ref('stg_accounts') }} as a
left join {{ ref('plans') }} as p on p.plan = a.plan
left join {{ ref('int_account_movements') }} as m on m.account_id = a.account_id
