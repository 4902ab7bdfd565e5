-- Why money went unabsorbed, by reason (CONTRACT §6), from two origins side by side:
-- 'reported' — amounts agencies and banks report in the reasons file, as given (read like
--   absorption reports: as of the quarter's end, cumulative for the fiscal year);
-- 'applications' — requested amounts of applications rejected or withdrawn, cumulated the same
--   way (referred in the year up to the quarter), so the two origins compare quarter by quarter;
--   summed per programme and bank, as banks report (agency and county NULL: millions of
--   applications would otherwise make a row per applicant).
-- is_in_totals is the counting rule of mart_absorption applied to the reasons file (README,
-- metric dictionary 5): an agency's reason at bank B is part of B's own when B reported reasons
-- for that programme in that year; one naming no bank counts only when no bank reported reasons
-- for the programme that year. Application rows are always in totals (one row per application).
-- unabsorbed_share divides by the province's gap at that quarter (mart_absorption_trend's, the
-- keys counted in totals); reason_share by the origin's own total (rows in totals) at the quarter.
with reported as (
    select * from stg_reasons
),

applications as (
    select * from stg_applications
),

application_quarters as (
    select * from int_applications_by_quarter
),

reason_codes as (
    select * from stg_reason_codes
),

province as (
    select * from mart_absorption_trend where scope = 'province'
),

dropped_by_quarter as (
    select
        year, quarter, program, bank, reason_code,
        sum(requested_amount) as unabsorbed_amount,
        count(*) as unabsorbed_count
    from applications
    where is_dropped
    group by all
),

latest_application_quarter as (
    -- A reason's cumulative figure carries on to the latest quarter with any application.
    select year, max(quarter) as latest_quarter
    from application_quarters
    group by year
),

dropped_span as (
    select year, program, bank, reason_code, min(quarter) as first_quarter
    from dropped_by_quarter
    group by all
),

dropped_grid as (
    select s.year, q.quarter, s.program, s.bank, s.reason_code
    from dropped_span s
    join latest_application_quarter l on l.year = s.year
    cross join (select unnest(range(1, 5)) as quarter) q
    where q.quarter between s.first_quarter and l.latest_quarter
),

dropped_cumulative as (
    select
        g.year, g.quarter, g.program, g.bank,
        cast(null as varchar) as agency,
        cast(null as varchar) as county,
        g.reason_code,
        'applications' as origin,
        sum(coalesce(d.unabsorbed_amount, 0)) over key_year as unabsorbed_amount,
        cast(sum(coalesce(d.unabsorbed_count, 0)) over key_year as bigint) as unabsorbed_count
    from dropped_grid g
    left join dropped_by_quarter d
        on d.year = g.year and d.quarter = g.quarter and d.program = g.program and d.bank = g.bank
        and d.reason_code = g.reason_code
    window key_year as (partition by g.year, g.program, g.bank, g.reason_code order by g.quarter)
),

reported_counted as (
    select
        *,
        case
            when agency is null then true
            when bank is not null then not bool_or(agency is null) over (partition by year, program, bank)
            else not bool_or(agency is null and bank is not null) over (partition by year, program)
        end as is_in_totals
    from reported
),

both_origins as (
    select
        year, quarter, program, bank, agency, county, reason_code,
        'reported' as origin,
        is_in_totals,
        cast(unabsorbed_amount as decimal(38, 6)) as unabsorbed_amount,
        unabsorbed_count
    from reported_counted
    union all
    select
        year, quarter, program, bank, agency, county, reason_code, origin,
        true as is_in_totals,
        unabsorbed_amount,
        unabsorbed_count
    from dropped_cumulative
),

province_gap as (
    select year, quarter, absorption_gap as unabsorbed_amount
    from province
),

shared as (
    select
        b.*,
        r.reason_actor,
        case when p.unabsorbed_amount > 0
            then cast(b.unabsorbed_amount as double) / cast(p.unabsorbed_amount as double)
        end as unabsorbed_share,
        case when b.is_in_totals then cast(b.unabsorbed_amount as double)
            / nullif(cast(sum(b.unabsorbed_amount) filter (where b.is_in_totals)
                over (partition by b.year, b.quarter, b.origin) as double), 0)
        end as reason_share
    from both_origins b
    left join reason_codes r on r.reason_code = b.reason_code
    left join province_gap p on p.year = b.year and p.quarter = b.quarter
),

final as (
    select
        year,
        quarter,
        origin,
        reason_code,
        reason_actor,
        program,
        bank,
        agency,
        county,
        is_in_totals,
        -- CONTRACT §6 names these two plainly: amount and count.
        unabsorbed_amount as amount,
        unabsorbed_count as count,
        unabsorbed_share,
        reason_share
    from shared
)

select * from final
