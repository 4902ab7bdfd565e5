-- One row per notification (allocation row), filled first notified, first absorbed with the lending
-- the counting rule keeps (README, metric dictionary 5 and 13). Notifications are pooled by counting
-- key: a bank's key with the agencies' keys at that bank and county, so a bank's notifications and
-- an agency's quota at that bank share one figure: the bank's own report when the bank reported the
-- programme that year (an agency's report at it is part of it and is not counted again), else the
-- agencies' reports at the bank. The pool's disbursement at the latest counted report of the year
-- (each counted key's latest figure, carried) goes to its notifications of that year in the order
-- they were notified (quarter, then notification_id, then agency), each taking at most its amount.
-- The next year's counted disbursement of the pool goes first to what this year's notifications
-- left over, so absorbed_by_next_year_amount follows a notification past year end. Exact DECIMAL
-- throughout (only subtractions, greatest and least). A notification made after the pool's latest
-- counted report of its year, or to a pool with no counted report that year, is unreported: its
-- absorption is NULL. Until the next year has any report in the warehouse, no notification is
-- followed past year end.
with allocations as (
    select * from stg_allocations
),

year_end as (
    select * from int_absorption_year_end
),

reported_years as (
    select distinct year from year_end
),

pool_year_end as (
    -- The lending the counting rule keeps, per counting key and year: the latest report of each
    -- key in totals, carried to the pool's latest one.
    select
        year, program, funding_source, bank, county,
        max(as_of_quarter) as as_of_quarter,
        sum(disbursed_amount) as disbursed_amount
    from year_end
    where is_in_totals
    group by all
),

ordered as (
    select
        year, quarter as notification_quarter, program, funding_source, bank, agency, county,
        notification_id, allocated_amount,
        coalesce(sum(allocated_amount) over (
            partition by year, program, funding_source, bank, county
            order by quarter, notification_id nulls first, agency nulls first
            rows between unbounded preceding and 1 preceding
        ), 0) as allocated_before_amount
    from allocations
),

matched as (
    select
        o.*,
        y.as_of_quarter,
        y.as_of_quarter is not null and o.notification_quarter <= y.as_of_quarter as is_reported,
        y.disbursed_amount as year_disbursed_amount,
        n.disbursed_amount as next_year_disbursed_amount,
        r.year is not null as is_next_year_in_warehouse
    from ordered o
    left join reported_years r on r.year = o.year + 1
    left join pool_year_end y
        on y.year = o.year and y.program = o.program
        and y.funding_source is not distinct from o.funding_source
        and y.bank is not distinct from o.bank
        and y.county is not distinct from o.county
    left join pool_year_end n
        on n.year = o.year + 1 and n.program = o.program
        and n.funding_source is not distinct from o.funding_source
        and n.bank is not distinct from o.bank
        and n.county is not distinct from o.county
),

filled as (
    select
        *,
        case when is_reported
            then least(greatest(year_disbursed_amount - allocated_before_amount, 0), allocated_amount)
        end as absorbed_in_year_amount
    from matched
),

followed as (
    select
        *,
        case
            when not is_next_year_in_warehouse then null
            -- Fully absorbed within its year: nothing left to follow.
            when absorbed_in_year_amount = allocated_amount then allocated_amount
            when is_reported and next_year_disbursed_amount is not null then least(greatest(
                year_disbursed_amount + next_year_disbursed_amount - allocated_before_amount, 0), allocated_amount)
        end as absorbed_by_next_year_amount
    from filled
),

final as (
    select
        year,
        notification_quarter,
        program,
        funding_source,
        bank,
        agency,
        county,
        notification_id,
        allocated_amount,
        allocated_before_amount,
        is_reported,
        as_of_quarter,
        absorbed_in_year_amount,
        absorbed_by_next_year_amount
    from followed
)

select * from final
