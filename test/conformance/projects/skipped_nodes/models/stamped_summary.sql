select count(*) as beacons from {{ ref('stamped_beacons') }}
