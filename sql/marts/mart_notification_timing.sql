-- When allocations were notified, and how that shaped absorption: per year and notification
-- quarter, for the province (scope 'province', program NULL) and per programme. notified_share on
-- the quarter-4 row is the share of the year's allocation notified in its last quarter.
-- Absorption by notification quarter is filled first notified, first absorbed (int_notification_fill):
-- each counting key's lending (the lending the counting rule keeps, README 5) at its latest report of
-- the year goes to its notifications in the order they were made, so a quota notified late is
-- absorbed only once the earlier ones are used up; the next year's disbursement goes first to what
-- is left, so absorbed_by_next_year_amount measures what late quotas got after year end.
-- Notifications made after that latest report (or with no counted report) count as
-- unreported_allocated_amount and stay out of the rates.
with fill as (
    select * from int_notification_fill
),

scoped as (
    select 'province' as scope, cast(null as varchar) as scope_program, * from fill
    union all
    select 'program', program, * from fill
),

measured as (
    select
        scope, year, notification_quarter, scope_program as program,
        sum(allocated_amount) as allocated_amount,
        sum(allocated_amount) filter (where is_reported) as reported_allocated_amount,
        sum(absorbed_in_year_amount) as absorbed_in_year_amount,
        sum(allocated_amount) filter (where absorbed_by_next_year_amount is not null)
            as next_year_reported_allocated_amount,
        sum(absorbed_by_next_year_amount) as absorbed_by_next_year_amount
    from scoped
    group by scope, year, notification_quarter, scope_program
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
        -- Kept under its old name for the dashboards: now the first-notified-first-absorbed figure.
        m.absorbed_in_year_amount as disbursed_amount,
        m.absorbed_in_year_amount,
        case when m.reported_allocated_amount > 0
            then cast(m.absorbed_in_year_amount as double) / cast(m.reported_allocated_amount as double)
        end as absorption_rate,
        coalesce(m.next_year_reported_allocated_amount, 0) as next_year_reported_allocated_amount,
        m.absorbed_by_next_year_amount,
        case when m.next_year_reported_allocated_amount > 0
            then cast(m.absorbed_by_next_year_amount as double) / cast(m.next_year_reported_allocated_amount as double)
        end as absorbed_by_next_year_rate
    from scopes s
    left join measured m
        on m.scope = s.scope and m.year = s.year and m.program is not distinct from s.program
        and m.notification_quarter = s.notification_quarter
)

select * from final
