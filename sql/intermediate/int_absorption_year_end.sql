-- Each reporting key's latest report of each fiscal year: reports are cumulative, so this is the
-- key's year so far. Only reported quarters; the allocation is the one notified up to that quarter.
with key_quarters as (
    select * from int_absorption_quarters
),

reported as (
    select *
    from key_quarters
    where is_reported
),

latest as (
    select *
    from reported
    qualify row_number() over (
        partition by year, program, funding_source, bank, agency, county
        order by quarter desc
    ) = 1
),

final as (
    select
        year,
        quarter as as_of_quarter,
        program,
        funding_source,
        bank,
        agency,
        county,
        report_source,
        -- The quarters' rule, decided once per year and key, so it is the same here.
        is_in_totals,
        allocated_amount,
        referred_amount,
        disbursed_amount,
        jobs_committed
    from latest
)

select * from final
