-- One row per parcel: where it was received and how many scans followed.
select
    p.parcel_id,
    d.depot_name,
    p.received_at,
    count(s.parcel_id) as scan_count,
    max(s.scanned_at) as last_scanned_at
from {{ source('courier', 'parcels') }} as p
left join {{ source('courier', 'depots') }} as d on d.depot_id = p.depot_id
left join {{ source('courier', 'scans') }} as s on s.parcel_id = p.parcel_id
group by all
