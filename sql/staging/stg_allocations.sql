-- Allocations as notified: one row per notification (CONTRACT §2). Amounts in million rials; a
-- missing funding_source was already filled with the programme's own by the loader.
with source as (
    select * from allocations
),

renamed as (
    select
        year,
        quarter,
        program,
        funding_source,
        bank,
        agency,
        county,
        notification_id,
        amount as allocated_amount,
        jobs_target,
        load_id,
        source_file,
        source_line
    from source
)

select * from renamed
