select
    event_id,
    account_id,
    lower(kind) as event_kind,
    amount,
    {{ signed_amount('lower(kind)', 'amount') }} as signed_amount,
    occurred_at,
    cast(occurred_at as date) as occurred_on,
    updated_at
from {{ source('app', 'events') }}
