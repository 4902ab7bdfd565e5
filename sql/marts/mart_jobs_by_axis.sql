-- Jobs per operational axis (CONTRACT §6): the projects' new and sustained jobs (every project,
-- whatever its status, as the session counted them), and the jobs committed by the facilities of
-- the axis's programmes (programs.csv), from the banks' reports (each key's latest report of each
-- year, summed over years) and from disbursed applications.
with axes as (
    select * from stg_axes
),

projects as (
    select * from stg_projects
),

programs as (
    select * from stg_programs
),

year_end as (
    select * from int_absorption_year_end
),

applications as (
    select * from int_applications_by_quarter
),

project_totals as (
    select
        axis,
        count(*) as project_count,
        count(*) filter (where status = 'cancelled') as cancelled_project_count,
        cast(sum(new_jobs) as bigint) as new_jobs,
        cast(sum(sustained_jobs) as bigint) as sustained_jobs,
        sum(investment_amount) as investment_amount,
        sum(facility_amount) as facility_amount
    from projects
    group by axis
),

facility_jobs as (
    -- Unknown when any key's latest report of a year gives no jobs; how many do not, beside it.
    select p.axis,
        case when count(y.jobs_committed) = count(*) then cast(sum(y.jobs_committed) as bigint) end as facility_jobs_committed,
        count(*) - count(y.jobs_committed) as facility_jobs_unknown_count
    from year_end y
    join programs p on p.program = y.program
    where y.is_in_totals
    group by p.axis
),

application_jobs as (
    select p.axis, cast(sum(a.disbursed_jobs_committed) as bigint) as application_jobs_committed
    from applications a
    join programs p on p.program = a.program
    group by p.axis
),

axis_codes as (
    -- Every axis of the reference list, and any a project names.
    select axis from axes
    union
    select axis from projects
),

final as (
    select
        k.axis,
        x.axis_name_fa,
        coalesce(t.project_count, 0) as project_count,
        coalesce(t.cancelled_project_count, 0) as cancelled_project_count,
        coalesce(t.new_jobs, 0) as new_jobs,
        coalesce(t.sustained_jobs, 0) as sustained_jobs,
        coalesce(t.investment_amount, 0) as investment_amount,
        -- Unknown when no project of the axis gives its facility amount.
        case when t.project_count is null then 0 else t.facility_amount end as facility_amount,
        case when t.new_jobs > 0
            then cast(t.investment_amount / t.new_jobs as decimal(18, 6))
        end as investment_per_new_job_amount,
        f.facility_jobs_committed,
        a.application_jobs_committed,
        coalesce(f.facility_jobs_unknown_count, 0) as facility_jobs_unknown_count
    from axis_codes k
    left join axes x on x.axis = k.axis
    left join project_totals t on t.axis = k.axis
    left join facility_jobs f on f.axis = k.axis
    left join application_jobs a on a.axis = k.axis
)

select * from final
