-- The balances add up to the signed sum of all events of known accounts.
with balances as (
    select sum(balance) as total from {{ ref('account_balances') }}
),
events as (
    select coalesce(sum(signed_amount), 0) as total
    from {{ ref('stg_events') }}
    where account_id in (select account_id from {{ ref('stg_accounts') }})
)
select * from balances, events where balances.total <> events.total
