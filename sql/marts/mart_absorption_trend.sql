-- How absorption moves: per quarter, for the province (scope 'province', program NULL) and per
-- programme (scope 'program'). Allocations count in full; disbursement from the keys counted in
-- totals (README, metric dictionary 5), each key's latest report of the year carried forward to
-- the quarter when it sent none (carried_key_count), so a missing file does not move the flow.
-- The rate and the gap use the same keys above and below the line: the allocation of keys whose
-- counted lending is not known yet in the year (is_allocation_reported false: a bank's key with no
-- report and no agency reporting in its stead, an agency's quota at a bank that has not reported
-- its county yet) is left out of both (unreported_allocated_amount).
-- Quarter-on-quarter compares the money paid out in the quarter with the quarter before (Q1 with
-- the previous year's Q4); the rate's change is taken within the year only, because a rate is
-- year-to-date. Year-on-year compares the same quarter of the year before.
with key_quarters as (
    select * from int_absorption_quarters
),

scoped as (
    select 'province' as scope, cast(null as varchar) as scope_program, * from key_quarters
    union all
    select 'program', program, * from key_quarters
),

summed as (
    select
        scope,
        year,
        quarter,
        scope_program as program,
        sum(allocated_amount) as allocated_amount,
        coalesce(sum(allocated_amount) filter (where not is_allocation_reported), 0) as unreported_allocated_amount,
        sum(known_disbursed_amount) filter (where is_in_totals) as disbursed_amount,
        count(*) filter (where is_in_totals and is_reported) as reporting_key_count,
        count(*) filter (where is_in_totals and is_carried) as carried_key_count,
        count(*) filter (where allocated_amount is not null and not is_allocation_reported) as unreported_key_count
    from scoped
    group by scope, year, quarter, scope_program
),

periods as (
    select
        *,
        year * 4 + quarter - 1 as period,
        allocated_amount - unreported_allocated_amount as reported_allocated_amount,
        case when allocated_amount - unreported_allocated_amount > 0
            then cast(disbursed_amount as double) / cast(allocated_amount - unreported_allocated_amount as double)
        end as absorption_rate
    from summed
),

with_previous_quarter as (
    select
        p.*,
        case
            when p.quarter = 1 then p.disbursed_amount
            else p.disbursed_amount - q.disbursed_amount
        end as disbursed_in_quarter,
        q.absorption_rate as previous_quarter_rate
    from periods p
    left join periods q
        on q.scope = p.scope and q.program is not distinct from p.program and q.period = p.period - 1
),

compared as (
    select
        p.*,
        p.disbursed_in_quarter - q.disbursed_in_quarter as disbursed_qoq_change_amount,
        case when q.disbursed_in_quarter > 0
            then cast(p.disbursed_in_quarter - q.disbursed_in_quarter as double)
                / cast(q.disbursed_in_quarter as double)
        end as disbursed_qoq_change_ratio,
        case when p.quarter > 1 then p.absorption_rate - p.previous_quarter_rate end as absorption_rate_qoq_change,
        p.disbursed_amount - y.disbursed_amount as disbursed_yoy_change_amount,
        case when y.disbursed_amount > 0
            then cast(p.disbursed_amount - y.disbursed_amount as double) / cast(y.disbursed_amount as double)
        end as disbursed_yoy_change_ratio,
        p.absorption_rate - y.absorption_rate as absorption_rate_yoy_change
    from with_previous_quarter p
    left join with_previous_quarter q
        on q.scope = p.scope and q.program is not distinct from p.program and q.period = p.period - 1
    left join with_previous_quarter y
        on y.scope = p.scope and y.program is not distinct from p.program and y.period = p.period - 4
),

final as (
    select
        scope,
        year,
        quarter,
        program,
        allocated_amount,
        reported_allocated_amount,
        unreported_allocated_amount,
        disbursed_amount,
        disbursed_in_quarter,
        absorption_rate,
        reported_allocated_amount - disbursed_amount as absorption_gap,
        reporting_key_count,
        carried_key_count,
        unreported_key_count,
        disbursed_qoq_change_amount,
        disbursed_qoq_change_ratio,
        absorption_rate_qoq_change,
        disbursed_yoy_change_amount,
        disbursed_yoy_change_ratio,
        absorption_rate_yoy_change
    from compared
)

select * from final
