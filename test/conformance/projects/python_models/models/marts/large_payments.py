def model(dbt, session):
    dbt.config(materialized="table", tags=["finance"])
    threshold = dbt.config.get("large_payment_cents")
    payments = dbt.ref("stg_payments")
    # DuckDB's replacement scan finds the local relation `payments` by name.
    return session.sql(
        f"select payment_id, order_id, method, amount_cents, amount_cents >= 2 * {threshold} as very_large "
        f"from payments where amount_cents >= {threshold}"
    )
