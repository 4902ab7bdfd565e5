-- One row per notification (allocation row), filled first notified, first absorbed: a key's
-- disbursement at its latest report of the year goes to its notifications of that year in the
-- order they were notified (quarter, then notification_id), each taking at most its amount. The
-- next year's disbursement of the key goes first to what this year's notifications left over,
-- so absorbed_by_next_year_amount follows a notification past year end. Exact DECIMAL throughout
-- (only subtractions, greatest and least). A notification made after the key's latest report of
-- its year, or to a key with no report that year, is unreported: its absorption is NULL. Until
-- the next year has any report in the warehouse, no notification is followed past year end.
with allocations as (
    select * from stg_allocations
),

year_end as (
    select * from int_absorption_year_end
),

reported_years as (
    select distinct year from year_end
),

ordered as (
    select
        year, quarter as notification_quarter, program, funding_source, bank, agency, county,
        notification_id, allocated_amount,
        coalesce(sum(allocated_amount) over (
            partition by year, program, funding_source, bank, agency, county
            order by quarter, notification_id nulls first
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
    left join year_end y
        on y.year = o.year and y.program = o.program
        and y.funding_source is not distinct from o.funding_source
        and y.bank is not distinct from o.bank
        and y.agency is not distinct from o.agency
        and y.county is not distinct from o.county
    left join year_end n
        on n.year = o.year + 1 and n.program = o.program
        and n.funding_source is not distinct from o.funding_source
        and n.bank is not distinct from o.bank
        and n.agency is not distinct from o.agency
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
