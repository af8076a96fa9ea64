-- The reference database the profile attaches, created beside each tool's copy of the project.
ATTACH '{project}/reference.duckdb' AS reference_setup;
CREATE OR REPLACE TABLE reference_setup.main.regions AS
SELECT * FROM (VALUES (1, 'North'), (2, 'Harbour'), (3, 'Uplands')) AS t(region_id, region_name);
DETACH reference_setup;
