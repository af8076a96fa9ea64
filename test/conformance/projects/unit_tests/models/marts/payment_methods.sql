select method, count(*) as payments, sum(paid) as total
from {{ ref('stg_payments') }}
group by method
