-- Amounts reported as not absorbed, by reason; read like absorption reports: as of the end of the
-- quarter, cumulative for the fiscal year.
with source as (
    select * from reasons
),

renamed as (
    select
        year,
        quarter,
        program,
        bank,
        agency,
        county,
        reason_code,
        amount as unabsorbed_amount,
        count as unabsorbed_count,
        load_id,
        source_file,
        source_line
    from source
)

select * from renamed
