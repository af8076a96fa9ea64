-- The profile's settings are SET on the connection each model runs on.
select
    current_setting('default_order') as default_order,
    current_setting('default_null_order') as default_null_order
