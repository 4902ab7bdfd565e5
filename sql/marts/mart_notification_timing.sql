-- When allocations were notified, and how that shaped absorption: per year and notification
-- quarter, for the province (scope 'province', program NULL) and per programme. notified_share on
-- the quarter-4 row is the share of the year's allocation notified in its last quarter.
-- Absorption by notification quarter: each allocated key's disbursement at its latest report of
-- the year is shared among the key's notifications made up to that report, pro rata to their
-- amounts, exactly (to the rial; the key's last such notification takes the remainder, so the
-- shares add up to the key's disbursed amount); notifications made after a key's latest report
-- (or to a key with no report) count as unreported_allocated_amount and stay out of the rate.
with allocations as (
    select * from stg_allocations
),

year_end as (
    select * from int_absorption_year_end
),

notified as (
    select year, quarter as notification_quarter, program, funding_source, bank, agency, county,
        sum(allocated_amount) as allocated_amount
    from allocations
    group by all
),

matched as (
    -- Amounts as integers in millionths of a million rials (one rial: the amounts' scale), so the
    -- shares below are exact integer arithmetic, never floating point.
    select
        n.*,
        y.as_of_quarter is not null and n.notification_quarter <= y.as_of_quarter as is_reported,
        cast(y.disbursed_amount * 1000000 as hugeint) as key_disbursed_units,
        cast(y.allocated_amount * 1000000 as hugeint) as key_allocated_units,
        cast(n.allocated_amount * 1000000 as hugeint) as allocated_units
    from notified n
    left join year_end y
        on y.year = n.year and y.program = n.program
        and y.funding_source is not distinct from n.funding_source
        and y.bank is not distinct from n.bank
        and y.agency is not distinct from n.agency
        and y.county is not distinct from n.county
),

shared as (
    -- Each reported notification's pro-rata share, rounded to the rial (half up) ...
    select
        *,
        case when is_reported and key_allocated_units > 0
            then (2 * key_disbursed_units * allocated_units + key_allocated_units) // (2 * key_allocated_units)
        end as rounded_units,
        notification_quarter = max(notification_quarter) filter (where is_reported) over key_year as is_key_last
    from matched
    window key_year as (partition by year, program, funding_source, bank, agency, county)
),

attributed as (
    -- ... and the key's last reported notification takes what is left, so the shares add up to
    -- the key's disbursed amount exactly.
    select
        year, notification_quarter, program, funding_source, bank, agency, county, allocated_amount, is_reported,
        cast(cast(
            case when is_key_last
                then key_disbursed_units - coalesce(sum(rounded_units) filter (where not is_key_last) over key_year, 0)
                else rounded_units
            end as decimal(38, 6)) * 0.000001 as decimal(38, 6)) as disbursed_amount
    from shared
    window key_year as (partition by year, program, funding_source, bank, agency, county)
),

by_program as (
    select
        'program' as scope, year, notification_quarter, program,
        sum(allocated_amount) as allocated_amount,
        sum(allocated_amount) filter (where is_reported) as reported_allocated_amount,
        sum(disbursed_amount) filter (where is_reported) as disbursed_amount
    from attributed
    group by all
),

by_province as (
    select
        'province' as scope, year, notification_quarter, cast(null as varchar) as program,
        sum(allocated_amount) as allocated_amount,
        sum(allocated_amount) filter (where is_reported) as reported_allocated_amount,
        sum(disbursed_amount) filter (where is_reported) as disbursed_amount
    from attributed
    group by all
),

measured as (
    select * from by_province
    union all
    select * from by_program
),

scopes as (
    -- Every quarter of every year a scope had allocations in: a quarter with no notification
    -- shows 0 (the allocations list is complete), so the last quarter's share is always there.
    select distinct m.scope, m.year, m.program, q.notification_quarter
    from measured m
    cross join (select unnest(range(1, 5)) as notification_quarter) q
),

final as (
    select
        s.scope,
        s.year,
        s.notification_quarter,
        s.program,
        s.notification_quarter = 4 as is_last_quarter,
        coalesce(m.allocated_amount, 0) as allocated_amount,
        sum(coalesce(m.allocated_amount, 0)) over (partition by s.scope, s.year, s.program) as year_allocated_amount,
        cast(coalesce(m.allocated_amount, 0) as double)
            / nullif(cast(sum(coalesce(m.allocated_amount, 0)) over (partition by s.scope, s.year, s.program) as double), 0)
            as notified_share,
        coalesce(m.reported_allocated_amount, 0) as reported_allocated_amount,
        coalesce(m.allocated_amount, 0) - coalesce(m.reported_allocated_amount, 0) as unreported_allocated_amount,
        m.disbursed_amount,
        case when m.reported_allocated_amount > 0
            then cast(m.disbursed_amount as double) / cast(m.reported_allocated_amount as double)
        end as absorption_rate
    from scopes s
    left join measured m
        on m.scope = s.scope and m.year = s.year and m.program is not distinct from s.program
        and m.notification_quarter = s.notification_quarter
)

select * from final
