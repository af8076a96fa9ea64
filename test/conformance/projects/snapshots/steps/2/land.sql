-- A week later: two customers change tier, one leaves, one joins; orders move on; a product is withdrawn.
UPDATE crm.customers SET tier = 'gold', updated_at = TIMESTAMP '2024-03-10 10:00:00' WHERE customer_id = 2;
UPDATE crm.customers SET tier = 'bronze', updated_at = TIMESTAMP '2024-03-11 10:00:00' WHERE customer_id = 3;
UPDATE crm.customers SET tier = 'silver', updated_at = TIMESTAMP '2024-03-12 10:00:00' WHERE customer_id = 6;
-- A name fixed without touching updated_at: the timestamp strategy does not see it, the check strategy does.
UPDATE crm.customers SET full_name = 'Eli Noor' WHERE customer_id = 5;
DELETE FROM crm.customers WHERE customer_id = 4;
INSERT INTO crm.customers VALUES (7, 'Gus Hale', 'silver', TIMESTAMP '2024-03-12 13:00:00');
UPDATE crm.orders SET status = 'shipped' WHERE store_id = 1 AND order_no = 100;
UPDATE crm.orders SET amount = 7.00 WHERE store_id = 3 AND order_no = 100;
DELETE FROM crm.orders WHERE store_id = 2 AND order_no = 101;
INSERT INTO crm.orders VALUES (1, 102, 'placed', 42.00);
DELETE FROM crm.products WHERE sku = 'B-2';
UPDATE crm.products SET price = 8.00, price_changed_at = TIMESTAMP '2024-03-09 00:00:00' WHERE sku = 'C-3';
