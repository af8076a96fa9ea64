-- Invoiced amounts per parcel, net of refunds.
with refunded as (
    select invoice_id, sum(amount) as amount
    from {{ source('billing', 'refunds') }}
    group by invoice_id
)
select
    i.parcel_id,
    sum(i.amount) as invoiced,
    coalesce(sum(r.amount), 0) as refunded
from {{ source('billing', 'invoices') }} as i
left join refunded as r on r.invoice_id = i.invoice_id
group by i.parcel_id
