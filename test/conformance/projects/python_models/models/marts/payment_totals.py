def model(dbt, session):
    # One row per payment method: a DuckDB relation built with the relational API.
    payments = dbt.ref("stg_payments")
    return payments.aggregate(
        "method, count(*) as payments, sum(amount) as total_amount, max(paid_at) as last_paid_at",
        "method",
    )
