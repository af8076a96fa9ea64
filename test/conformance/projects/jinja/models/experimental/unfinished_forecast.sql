-- Disabled in dbt_project.yml: it would fail, as no_such_column does not exist.
select * from {{ ref('daily_readings') }} where no_such_column > 0
