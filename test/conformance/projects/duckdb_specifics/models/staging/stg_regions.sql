{{ config(materialized='table') }}
-- A table, not a view: the attached database is there only while a run has it attached.
select region_id, region_name
from {{ source('reference', 'regions') }}
