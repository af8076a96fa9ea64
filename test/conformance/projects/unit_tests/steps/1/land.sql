create schema if not exists raw;
create or replace table raw.payments (payment_id integer, order_id integer, method varchar, paid_cents bigint);
insert into raw.payments values (1, 1, 'card', 1250), (2, 2, 'cash', 800), (3, 2, 'card', 200), (4, 4, 'card', 990);
