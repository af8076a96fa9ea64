with source as (
    select * from {{ ref('shop_customers') }}
)

select
    customer_id,
    split_part(full_name, ' ', 1) as first_name,
    split_part(full_name, ' ', 2) as last_name,
    upper(country) as country_code,
    signed_up_on
from source
