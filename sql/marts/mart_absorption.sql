-- Absorption of allocated facilities per reporting key and quarter (CONTRACT §6). Stage amounts
-- are cumulative for the fiscal year as reported; a key allocated but not reported in a quarter
-- keeps NULL stage amounts and is_reported = false. Over-absorption gives a negative gap.
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
