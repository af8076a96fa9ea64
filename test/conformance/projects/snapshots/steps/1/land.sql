-- The CRM's first export: customers, orders (keyed by store and number) and the product catalogue.
CREATE SCHEMA crm;
CREATE TABLE crm.customers (customer_id INTEGER, full_name VARCHAR, tier VARCHAR, updated_at TIMESTAMP);
INSERT INTO crm.customers VALUES
(1, 'Ada Byron', 'gold', TIMESTAMP '2024-03-01 09:00:00'),
(2, 'Brook Lee', 'silver', TIMESTAMP '2024-03-01 09:05:00'),
(3, 'Cai Wen', 'trial', TIMESTAMP '2024-03-02 11:00:00'),
(4, 'Dana Ortiz', 'silver', TIMESTAMP '2024-03-03 12:30:00'),
(5, 'Eli Nour', 'bronze', TIMESTAMP '2024-03-03 15:45:00'),
(6, 'Fay Quinn', NULL, TIMESTAMP '2024-03-04 08:10:00');
CREATE TABLE crm.orders (store_id INTEGER, order_no INTEGER, status VARCHAR, amount DECIMAL(10, 2));
INSERT INTO crm.orders VALUES
(1, 100, 'placed', 25.50), (1, 101, 'placed', 12.00), (2, 100, 'shipped', 99.99), (2, 101, 'placed', 5.25), (3, 100, 'placed', NULL);
CREATE TABLE crm.products (sku VARCHAR, title VARCHAR, price DECIMAL(8, 2), price_changed_at TIMESTAMP);
INSERT INTO crm.products VALUES
('A-1', 'Kettle', 39.00, TIMESTAMP '2024-02-01 00:00:00'),
('B-2', 'Toaster', 59.00, TIMESTAMP '2024-02-01 00:00:00'),
('C-3', 'Mug', 7.50, TIMESTAMP '2024-02-15 00:00:00');
