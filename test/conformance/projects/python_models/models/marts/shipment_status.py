def model(dbt, session):
    dbt.config(materialized="incremental", unique_key="shipment_id", incremental_strategy="delete+insert")
    shipments = dbt.source("logistics", "shipments")
    if dbt.is_incremental:
        # Only the shipments updated since the last build replace their rows.
        latest = session.sql(f"select max(updated_at) from {dbt.this}").fetchone()[0]
        shipments = shipments.filter(f"updated_at > '{latest}'")
    return shipments.project(
        "shipment_id, order_id, status, updated_at, status = 'delivered' as is_delivered"
    )
