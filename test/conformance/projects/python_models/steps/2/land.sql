update landing.shipments set status = 'delivered', updated_at = timestamp '2025-03-04 10:00:00' where shipment_id = 2;
update landing.shipments set status = 'in_transit', updated_at = timestamp '2025-03-04 11:20:00' where shipment_id = 5;
insert into landing.shipments values
    (6, 111, 'label_created', timestamp '2025-03-04 12:00:00'),
    (7, 113, 'in_transit',    timestamp '2025-03-04 13:05:00');
