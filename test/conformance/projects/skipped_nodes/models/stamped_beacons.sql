{{ config(materialized='stamped_table') }}
select beacon_id, harbour, 'checked' as state from {{ ref('beacons') }}
