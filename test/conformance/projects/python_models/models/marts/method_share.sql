select
    method,
    total_amount,
    round(total_amount / sum(total_amount) over (), 4) as share
from {{ ref('payment_totals') }}
