-- The departed come back: a deleted customer, order and product reappear; more changes.
INSERT INTO crm.customers VALUES (4, 'Dana Ortiz', 'gold', TIMESTAMP '2024-03-20 09:00:00');
UPDATE crm.customers SET tier = 'platinum', updated_at = TIMESTAMP '2024-03-21 09:00:00' WHERE customer_id = 1;
DELETE FROM crm.customers WHERE customer_id = 7;
INSERT INTO crm.orders VALUES (2, 101, 'placed', 5.25);
UPDATE crm.orders SET status = 'delivered' WHERE store_id = 1 AND order_no = 100;
INSERT INTO crm.products VALUES ('B-2', 'Toaster', 55.00, TIMESTAMP '2024-03-18 00:00:00');
DELETE FROM crm.products WHERE sku = 'A-1';
