select currency, rate_to_eur, round(1 / rate_to_eur, 4) as eur_to_currency, quoted_on
from {{ ref('rates') }}
