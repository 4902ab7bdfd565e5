-- Where the gap sits and why: per year, quarter, programme, bank and county, the unit's gap split
-- by funnel stage, with the reasons reported for that unit (mart_reasons, origin 'reported', counted
-- in totals) and each reason's share of the unit's own gap. One row per reason cited; a unit with no
-- reason cited has one row with reason_code NULL. The unit's figures repeat on each of its rows.
--
-- The gap is taken per counting key (README, metric dictionary 5): a bank's key with the agencies'
-- keys at that bank and county. Every allocation of them counts (an agency's quota at a bank that
-- reports included), set against the lending the counting rule keeps: the bank's own report, or the
-- agencies' when the bank reported nothing of the programme that year. The stages are the quarter's
-- reports, as in mart_gap_stages, and split the same way (capped by the allocation and every known
-- earlier stage, README 7). A counting key whose counted lending is not reported in the quarter has
-- an unknown gap and is left out of the sums: the gap is the known lower bound, with
-- known_part_count and unknown_part_count beside it.
with key_quarters as (
    select * from int_absorption_quarters
),

reasons as (
    select * from mart_reasons
),

flagged as (
    select *, is_in_totals and is_reported as is_counted_report
    from key_quarters
),

counting_keys as (
    select
        year, quarter, program, funding_source, bank, county,
        sum(allocated_amount) as allocated_amount,
        -- Known when some counted row reported in the quarter and no counted row is only carried.
        bool_or(is_counted_report) and not bool_or(is_in_totals and is_carried) as is_known,
        count(*) filter (where is_counted_report) as report_count,
        count(referred_amount) filter (where is_counted_report) as referred_known_count,
        count(approved_amount) filter (where is_counted_report) as approved_known_count,
        count(contracted_amount) filter (where is_counted_report) as contracted_known_count,
        count(disbursed_amount) filter (where is_counted_report) as disbursed_known_count,
        sum(referred_amount) filter (where is_counted_report) as referred_sum,
        sum(approved_amount) filter (where is_counted_report) as approved_sum,
        sum(contracted_amount) filter (where is_counted_report) as contracted_sum,
        sum(disbursed_amount) filter (where is_counted_report) as disbursed_sum
    from flagged
    group by all
),

counted as (
    -- A stage summed over the counted reports is unknown when any of them leaves it out.
    select
        year, quarter, program, funding_source, bank, county, allocated_amount,
        case when is_known and referred_known_count = report_count then referred_sum end as referred_amount,
        case when is_known and approved_known_count = report_count then approved_sum end as approved_amount,
        case when is_known and contracted_known_count = report_count then contracted_sum end as contracted_amount,
        case when is_known and disbursed_known_count = report_count then disbursed_sum end as disbursed_amount
    from counting_keys
),

parts as (
    -- Split as mart_gap_stages splits a key's quarter (sql/macros/gap_split.sql).
    select
        * exclude (gap),
        gap.*
    from (
        select
            *,
            gap_split(allocated_amount, referred_amount, approved_amount, contracted_amount, disbursed_amount) as gap
        from counted
    )
),

unit_gaps as (
    select
        year, quarter, program, bank, county,
        sum(allocated_amount) as allocated_amount,
        sum(absorption_gap) as absorption_gap,
        sum(not_referred_amount) as not_referred_amount,
        sum(not_approved_amount) as not_approved_amount,
        sum(not_contracted_amount) as not_contracted_amount,
        sum(not_disbursed_amount) as not_disbursed_amount,
        sum(residual_amount) as residual_amount,
        count(absorption_gap) as known_part_count,
        count(*) filter (where absorption_gap is null and allocated_amount is not null) as unknown_part_count
    from parts
    group by all
),

unit_reasons as (
    select year, quarter, program, bank, county, reason_code, reason_actor,
        sum(amount) as reason_amount,
        cast(sum(count) as bigint) as reason_count
    from reasons
    where origin = 'reported' and is_in_totals
    group by all
),

units as (
    select year, quarter, program, bank, county from unit_gaps
    union
    select year, quarter, program, bank, county from unit_reasons
),

final as (
    select
        u.year,
        u.quarter,
        u.program,
        u.bank,
        u.county,
        g.allocated_amount,
        g.absorption_gap,
        g.not_referred_amount,
        g.not_approved_amount,
        g.not_contracted_amount,
        g.not_disbursed_amount,
        g.residual_amount,
        coalesce(g.known_part_count, 0) as known_part_count,
        coalesce(g.unknown_part_count, 0) as unknown_part_count,
        r.reason_code,
        r.reason_actor,
        r.reason_amount,
        r.reason_count,
        case when g.absorption_gap > 0
            then cast(r.reason_amount as double) / cast(g.absorption_gap as double)
        end as reason_gap_share
    from units u
    left join unit_gaps g
        on g.year = u.year and g.quarter = u.quarter and g.program = u.program
        and g.bank is not distinct from u.bank and g.county is not distinct from u.county
    left join unit_reasons r
        on r.year = u.year and r.quarter = u.quarter and r.program = u.program
        and r.bank is not distinct from u.bank and r.county is not distinct from u.county
)

select * from final
