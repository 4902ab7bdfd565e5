-- Where the gap sits and why: per year, quarter, programme, bank and county, the unit's gap split
-- by funnel stage (mart_gap_stages, the keys counted in totals, summed over funding sources and
-- agencies), with the reasons reported for that unit (mart_reasons, origin 'reported', counted in
-- totals) and each reason's share of the unit's own gap. One row per reason cited; a unit with no
-- reason cited has one row with reason_code NULL. The unit's figures repeat on each of its rows.
-- A key whose gap is unknown (not reported yet) is left out of the sums: the gap is the known
-- lower bound, with known_part_count and unknown_part_count beside it.
with gap_stages as (
    select * from mart_gap_stages
),

reasons as (
    select * from mart_reasons
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
    from gap_stages
    where is_in_totals
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
