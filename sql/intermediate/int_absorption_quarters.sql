-- Every reporting key in every quarter it should be seen in, with its cumulative allocation and its
-- report (if any). The grid is what makes a missing report visible: a key appears from the first
-- quarter it was notified or reported up to the latest quarter of that year with any notification
-- or any report, and a quarter it did not report stays NULL, never 0. Every allocated key is so
-- present in every quarter of the year from its first notification on, and a rollup of
-- allocated_amount is the sum of the year's notifications up to the quarter.
--
-- The counting rule (README, metric dictionary 5), decided once per year and key: a bank's key is
-- always in totals; an agency's report of lending at bank B is part of B's own figure when B
-- reported that programme (and funding source) in that year, and counts only when B did not; an
-- agency report naming no bank counts only when no bank reported the programme that year. A key
-- allocated but not reported is in totals: its allocation counts, its stages are unknown.
-- known_disbursed_amount carries a key's latest report forward within the year (is_carried), so
-- cumulative rollups do not move when one file is missing.
--
-- Allocations have their own rule: every allocation row counts once in totals, whichever report's
-- lending is counted (README, metric dictionary 5). To set an allocation beside the lending that
-- counts for it, keys are grouped by counting key: the key without its agency (year, programme,
-- funding source, bank, county), i.e. a bank's key with the agencies' keys at that bank and county.
-- A counting key's lending is that of its rows in totals (the bank's own figure, or the agencies'
-- when the bank reported nothing of the programme that year). is_allocation_reported says whether
-- that lending is known at the quarter; a rollup's rate and gap use the allocation of those rows
-- only (the same keys above and below the line), and is_reported_by_agencies marks a bank's key
-- with no figure of its own whose lending the agencies report in its stead.
with allocations as (
    select * from stg_allocations
),

reports as (
    select * from stg_absorption
),

notified as (
    -- A key may get several notifications in one quarter.
    select
        year, quarter, program, funding_source, bank, agency, county,
        sum(allocated_amount) as notified_amount,
        sum(jobs_target) as notified_jobs_target,
        count(*) - count(jobs_target) as notified_jobs_target_unknown_count,
        count(*) as notification_count
    from allocations
    group by all
),

latest_quarter as (
    -- The year's last quarter with any notification or any report (of any key).
    select year, max(quarter) as latest_quarter
    from (
        select year, quarter from notified
        union all
        select year, quarter from reports
    )
    group by year
),

key_span as (
    select
        year, program, funding_source, bank, agency, county,
        min(quarter) as first_quarter,
        bool_or(is_notification) as is_allocated_key
    from (
        select year, quarter, program, funding_source, bank, agency, county, true as is_notification from notified
        union all
        select year, quarter, program, funding_source, bank, agency, county, false from reports
    )
    group by all
),

key_quarters as (
    select
        k.year, q.quarter, k.program, k.funding_source, k.bank, k.agency, k.county, k.is_allocated_key
    from key_span k
    join latest_quarter l on l.year = k.year
    cross join (select unnest(range(1, 5)) as quarter) q
    where q.quarter between k.first_quarter and l.latest_quarter
),

joined as (
    -- Missing codes stay NULL and match only NULL.
    select
        g.*,
        n.notified_amount,
        n.notified_jobs_target,
        n.notified_jobs_target_unknown_count,
        coalesce(n.notification_count, 0) as notification_count,
        r.referred_count, r.referred_amount,
        r.approved_count, r.approved_amount,
        r.contracted_count, r.contracted_amount,
        r.disbursed_count, r.disbursed_amount,
        r.jobs_committed,
        r.load_id, r.source_file, r.source_line,
        r.year is not null as is_reported
    from key_quarters g
    left join notified n
        on n.year = g.year and n.quarter = g.quarter and n.program = g.program
        and n.funding_source is not distinct from g.funding_source
        and n.bank is not distinct from g.bank
        and n.agency is not distinct from g.agency
        and n.county is not distinct from g.county
    left join reports r
        on r.year = g.year and r.quarter = g.quarter and r.program = g.program
        and r.funding_source is not distinct from g.funding_source
        and r.bank is not distinct from g.bank
        and r.agency is not distinct from g.agency
        and r.county is not distinct from g.county
),

cumulated as (
    select
        *,
        -- Allocations notified in the year up to this quarter; NULL for a key with no allocation
        -- that year (its money, if any, was notified at another grain), 0 before its first one.
        case when is_allocated_key then
            sum(coalesce(notified_amount, 0)) over key_year
        end as allocated_amount,
        -- Unknown (NULL) once any notification up to the quarter gives no jobs target: a sum
        -- that silently counted it as 0 would understate the promise.
        case when coalesce(sum(notified_jobs_target_unknown_count) over key_year, 0) = 0
            then cast(sum(notified_jobs_target) over key_year as bigint)
        end as jobs_target,
        -- The grid is dense, so the previous row is the previous quarter.
        lag(disbursed_amount) over key_year as previous_disbursed_amount,
        -- Reports are cumulative: the latest one up to the quarter is the key's year so far.
        last_value(disbursed_amount ignore nulls) over key_year_to_date as known_disbursed_amount,
        bool_or(is_reported and agency is null) over (partition by year, program, funding_source, bank)
            as has_bank_report_at_bank,
        bool_or(is_reported and agency is null) over (partition by year, program, funding_source)
            as has_any_bank_report
    from joined
    window
        key_year as (partition by year, program, funding_source, bank, agency, county order by quarter),
        key_year_to_date as (
            partition by year, program, funding_source, bank, agency, county order by quarter
            rows between unbounded preceding and current row
        )
),

counted as (
    select
        *,
        -- One rule per year and key (see the header), so totals never switch source between quarters.
        case
            when agency is null then true
            when bank is not null then not has_bank_report_at_bank
            else not has_any_bank_report
        end as is_in_totals
    from cumulated
),

paired as (
    select
        *,
        coalesce(bool_or(is_in_totals and known_disbursed_amount is not null)
            over (partition by year, quarter, program, funding_source, bank, county), false)
            as is_allocation_reported
    from counted
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
        case when agency is null then 'bank' else 'agency' end as report_source,
        is_reported,
        is_in_totals,
        not is_reported and known_disbursed_amount is not null as is_carried,
        -- The counting key's lending (its rows in totals) is known at the quarter: this key's
        -- allocation stands beside it in rates and gaps (see the header).
        is_allocation_reported,
        -- A bank's key with no figure of its own whose lending the agencies report instead (the bank
        -- reported nothing of the programme that year, so their keys at it are in totals).
        agency is null and known_disbursed_amount is null and is_allocation_reported as is_reported_by_agencies,
        allocated_amount,
        jobs_target,
        notification_count,
        referred_count,
        referred_amount,
        approved_count,
        approved_amount,
        contracted_count,
        contracted_amount,
        disbursed_count,
        disbursed_amount,
        case
            when quarter = 1 then disbursed_amount
            else disbursed_amount - previous_disbursed_amount
        end as disbursed_in_quarter,
        known_disbursed_amount,
        jobs_committed,
        load_id,
        source_file,
        source_line
    from paired
)

select * from final
