select beacon_id, harbour from {{ ref('beacons') }} where lit
