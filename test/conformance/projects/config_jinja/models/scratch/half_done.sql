-- Enabled only when build_scratch is true; it would fail, as no_such_column does not exist.
select no_such_column from {{ ref('rates') }}
