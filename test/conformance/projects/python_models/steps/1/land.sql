create schema if not exists landing;
create or replace table landing.shipments as
select * from (values
    (1, 101, 'label_created', timestamp '2025-03-01 08:00:00'),
    (2, 102, 'in_transit',    timestamp '2025-03-01 09:30:00'),
    (3, 103, 'delivered',     timestamp '2025-03-02 14:00:00'),
    (4, 105, 'in_transit',    timestamp '2025-03-02 16:45:00'),
    (5, 108, 'label_created', timestamp '2025-03-03 07:15:00')
) as t(shipment_id, order_id, status, updated_at);
