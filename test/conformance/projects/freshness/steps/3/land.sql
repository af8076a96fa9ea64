-- Late data lands: a scan this hour (scans: pass), a real return 3 hours ago (returns: warn), a first
-- refund (refunds: pass) and the disputes table, which did not exist before (disputes: pass).
CREATE TEMP MACRO hours_ago(n) AS date_trunc('hour', now() AT TIME ZONE 'UTC') - to_hours(n);

INSERT INTO courier.scans VALUES (104, 2, hours_ago(0), hours_ago(0));
INSERT INTO courier.returns VALUES (104, 'refused', hours_ago(3)), (998, 'test', hours_ago(0));
INSERT INTO billing.refunds VALUES (1, 1, 7.50, hours_ago(3));
CREATE TABLE billing.disputes (dispute_id INTEGER, invoice_id INTEGER, billed_at TIMESTAMP);
INSERT INTO billing.disputes VALUES (1, 2, hours_ago(0));
