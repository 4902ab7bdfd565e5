-- Absorption reports: one row per reporting key, cumulative from the start of the fiscal year to
-- the end of the quarter. A stage a report does not give stays NULL (unknown), never 0.
with source as (
    select * from absorption
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
        -- A bank reports with no agency; an agency reports its own clients (with or without bank).
        case when agency is null then 'bank' else 'agency' end as report_source,
        referred_count,
        referred_amount,
        approved_count,
        approved_amount,
        contracted_count,
        contracted_amount,
        disbursed_count,
        disbursed_amount,
        jobs_committed,
        load_id,
        source_file,
        source_line
    from source
)

select * from renamed
