-- What a report reads from the history: versions per customer, the current tier, and closed rows.
select
    customer_id,
    count(*) as versions,
    max(case when dbt_valid_to is null then tier end) as current_tier,
    count(dbt_valid_to) as closed_versions
from {{ ref('customers_ts') }}
group by customer_id
