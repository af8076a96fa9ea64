-- The first landing. Load times are whole hours before the current UTC hour, so both tools' files get
-- the same values and each freshness status is the same whenever the suite runs: a row `hours_ago(3)`
-- is 3 to 4 hours old when checked, and no threshold of the project falls in such a window.
CREATE TEMP MACRO hours_ago(n) AS date_trunc('hour', now() AT TIME ZONE 'UTC') - to_hours(n);

CREATE SCHEMA courier;
CREATE TABLE courier.depots (depot_id INTEGER, depot_name VARCHAR, received_at TIMESTAMP);
INSERT INTO courier.depots VALUES (1, 'Harbour Road', hours_ago(24 * 90)), (2, 'Mill Lane', hours_ago(24 * 90));

-- Newest parcel 3 hours old: past warn_after (2 hours), within error_after (1 day): warn.
CREATE TABLE courier.parcels (parcel_id INTEGER, depot_id INTEGER, weight_kg DECIMAL(6, 2), received_at TIMESTAMP);
INSERT INTO courier.parcels VALUES
(101, 1, 2.40, hours_ago(30)), (102, 1, 0.85, hours_ago(30)), (103, 2, 12.00, hours_ago(3)), (104, 2, 5.10, hours_ago(3));

-- Newest scan 3 hours old: past the table's own error_after (150 minutes): error. received_at is
-- fresh but is not this table's loaded_at_field.
CREATE TABLE courier.scans (parcel_id INTEGER, depot_id INTEGER, scanned_at TIMESTAMP, received_at TIMESTAMP);
INSERT INTO courier.scans VALUES
(101, 1, hours_ago(29), hours_ago(0)), (101, 2, hours_ago(3), hours_ago(0)), (103, 2, hours_ago(3), hours_ago(0));

-- The newest real return is 30 hours old (error); a fresh test row does not count under the filter.
CREATE TABLE courier.returns (parcel_id INTEGER, reason VARCHAR, received_at TIMESTAMP);
INSERT INTO courier.returns VALUES (102, 'damaged', hours_ago(30)), (999, 'test', hours_ago(0));

-- Closed 10 minutes before the hour, as epoch seconds: pass.
CREATE TABLE courier.manifests (manifest_id INTEGER, depot_id INTEGER, closed_epoch BIGINT);
INSERT INTO courier.manifests VALUES
(1, 1, epoch(hours_ago(27))::BIGINT), (2, 2, epoch(hours_ago(0) - INTERVAL 10 MINUTE)::BIGINT), (3, 2, NULL);

CREATE SCHEMA billing;
-- A TIMESTAMPTZ load time 30 hours old, against a warn_after alone: warn, never error.
CREATE TABLE billing.invoices (invoice_id INTEGER, parcel_id INTEGER, amount DECIMAL(8, 2), billed_at TIMESTAMPTZ);
INSERT INTO billing.invoices VALUES
(1, 101, 7.50, hours_ago(31) AT TIME ZONE 'UTC'), (2, 103, 19.00, hours_ago(30) AT TIME ZONE 'UTC');

-- No refunds yet: an empty table is infinitely old (error).
CREATE TABLE billing.refunds (refund_id INTEGER, invoice_id INTEGER, amount DECIMAL(8, 2), billed_at TIMESTAMP);

CREATE TABLE billing.tariffs (zone VARCHAR, price_per_kg DECIMAL(6, 2), billed_at TIMESTAMP);
INSERT INTO billing.tariffs VALUES ('local', 1.20, hours_ago(24 * 400)), ('national', 2.75, hours_ago(24 * 400));
