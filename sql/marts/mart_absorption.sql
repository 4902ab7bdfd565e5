-- Absorption of allocated facilities per reporting key and quarter (CONTRACT §6). Stage amounts
-- are cumulative for the fiscal year as reported; a key allocated but not reported in a quarter
-- keeps NULL stage amounts and is_reported = false. Over-absorption gives a negative gap.
-- Beside the report as given, what every rollup needs to follow the counting rule (README, metric
-- dictionary 5 and 12) without re-deriving it: the key's latest figure of the year carried to the
-- quarter (known_disbursed_amount, is_carried), and whether its allocation stands beside lending
-- that counts (is_allocation_reported; is_reported_by_agencies when that lending is the agencies').
with key_quarters as (
    select * from int_absorption_quarters
),

measured as (
    select
        *,
        case when allocated_amount > 0
            then cast(disbursed_amount as double) / cast(allocated_amount as double)
        end as absorption_rate,
        allocated_amount - disbursed_amount as absorption_gap
    from key_quarters
),

final as (
    select
        year,
        quarter,
        program,
        funding_source,
        bank,
        agency,
        county,
        report_source,
        is_reported,
        is_in_totals,
        is_carried,
        is_allocation_reported,
        is_reported_by_agencies,
        allocated_amount,
        notification_count,
        referred_count,
        referred_amount,
        approved_count,
        approved_amount,
        contracted_count,
        contracted_amount,
        disbursed_count,
        disbursed_amount,
        disbursed_in_quarter,
        known_disbursed_amount,
        absorption_rate,
        absorption_gap,
        absorption_gap < 0 as is_over_absorbed,
        jobs_target,
        jobs_committed,
        load_id,
        source_file,
        source_line
    from measured
)

select * from final
