-- Jobs committed by facilities against the targets, per year and operational axis: the jobs the
-- allocations promised (jobs_target of the year's notifications), what the reports say the
-- facilities committed (each key's latest report of the year, reports counted in totals), what
-- the disbursed applications committed (by payout year), and the projects' new jobs on the axis.
-- A sum with unknown parts is NULL; its known lower bound (*_lower_bound) and the number of known
-- and unknown parts stand beside it. Cancelled projects are left out of the projects' targets.
-- Projects carry no year: project_new_jobs is the axis's whole figure on every year's row, so do
-- not sum it over years.
with axes as (
    select * from stg_axes
),

programs as (
    select * from stg_programs
),

allocations as (
    select * from stg_allocations
),

year_end as (
    select * from int_absorption_year_end
),

applications as (
    select * from int_applications_by_quarter
),

projects as (
    select * from stg_projects
),

allocation_targets as (
    -- Unknown when any notification gives no jobs target; how many do not, beside it.
    select a.year, p.axis,
        case when count(a.jobs_target) = count(*) then cast(sum(a.jobs_target) as bigint) end as allocation_jobs_target,
        cast(coalesce(sum(a.jobs_target), 0) as bigint) as allocation_jobs_target_lower_bound,
        count(a.jobs_target) as allocation_target_known_part_count,
        count(*) - count(a.jobs_target) as allocation_target_unknown_count
    from allocations a
    join programs p on p.program = a.program
    group by all
),

facility_jobs as (
    -- Unknown when any key's latest report gives no jobs; how many do not, beside it.
    select y.year, p.axis,
        case when count(y.jobs_committed) = count(*) then cast(sum(y.jobs_committed) as bigint) end
            as facility_jobs_committed,
        cast(coalesce(sum(y.jobs_committed), 0) as bigint) as facility_jobs_lower_bound,
        count(y.jobs_committed) as facility_jobs_known_part_count,
        count(*) - count(y.jobs_committed) as facility_jobs_unknown_count
    from year_end y
    join programs p on p.program = y.program
    where y.is_in_totals
    group by all
),

application_jobs as (
    select a.disbursed_year as year, p.axis, cast(sum(a.disbursed_jobs_committed) as bigint) as application_jobs_committed
    from applications a
    join programs p on p.program = a.program
    group by all
),

project_targets as (
    -- Cancelled projects are no target.
    select axis, count(*) as project_count, cast(sum(new_jobs) as bigint) as project_new_jobs
    from projects
    where status <> 'cancelled'
    group by axis
),

years as (
    select year from allocation_targets
    union select year from facility_jobs
    union select year from application_jobs
),

axis_codes as (
    select axis from axes
    union select axis from programs where axis is not null
    union select axis from projects
),

final as (
    select
        y.year,
        x.axis,
        t.allocation_jobs_target,
        f.facility_jobs_committed,
        a.application_jobs_committed,
        coalesce(p.project_count, 0) as project_count,
        coalesce(p.project_new_jobs, 0) as project_new_jobs,
        cast(f.facility_jobs_committed as double) / nullif(t.allocation_jobs_target, 0) as allocation_target_rate,
        cast(f.facility_jobs_committed as double) / nullif(p.project_new_jobs, 0) as project_target_rate,
        coalesce(t.allocation_target_unknown_count, 0) as allocation_target_unknown_count,
        coalesce(f.facility_jobs_unknown_count, 0) as facility_jobs_unknown_count,
        -- The known lower bounds: the sums of the parts that give a figure, with how many do.
        coalesce(t.allocation_jobs_target_lower_bound, 0) as allocation_jobs_target_lower_bound,
        coalesce(t.allocation_target_known_part_count, 0) as allocation_target_known_part_count,
        coalesce(f.facility_jobs_lower_bound, 0) as facility_jobs_lower_bound,
        coalesce(f.facility_jobs_known_part_count, 0) as facility_jobs_known_part_count
    from years y
    cross join axis_codes x
    left join allocation_targets t on t.year = y.year and t.axis = x.axis
    left join facility_jobs f on f.year = y.year and f.axis = x.axis
    left join application_jobs a on a.year = y.year and a.axis = x.axis
    left join project_targets p on p.axis = x.axis
)

select * from final
