-- Jobs per operational axis (CONTRACT §6): the projects' new and sustained jobs and investment,
-- cancelled projects shown apart (cancelled_*) and left out of the totals, and the jobs committed
-- by the facilities of the axis's programmes (programs.csv), from the reports counted in totals
-- (each key's latest report of each year, summed over years) and from disbursed applications.
-- Per-job amounts are exact (integer arithmetic on rials, half up): investment_per_job_amount over
-- new plus sustained jobs, beside investment_per_new_job_amount. facility_jobs_committed is NULL
-- when any report behind it gives no jobs; facility_jobs_lower_bound is the sum of the known parts,
-- with facility_jobs_known_part_count and facility_jobs_unknown_count beside it.
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
        count(*) filter (where status <> 'cancelled') as project_count,
        count(*) filter (where status = 'cancelled') as cancelled_project_count,
        cast(coalesce(sum(new_jobs) filter (where status <> 'cancelled'), 0) as bigint) as new_jobs,
        cast(coalesce(sum(sustained_jobs) filter (where status <> 'cancelled'), 0) as bigint) as sustained_jobs,
        coalesce(sum(investment_amount) filter (where status <> 'cancelled'), 0) as investment_amount,
        sum(facility_amount) filter (where status <> 'cancelled') as facility_amount,
        count(*) filter (where status <> 'cancelled' and facility_amount is not null) as facility_known_count,
        cast(coalesce(sum(new_jobs) filter (where status = 'cancelled'), 0) as bigint) as cancelled_new_jobs,
        cast(coalesce(sum(sustained_jobs) filter (where status = 'cancelled'), 0) as bigint)
            as cancelled_sustained_jobs,
        coalesce(sum(investment_amount) filter (where status = 'cancelled'), 0) as cancelled_investment_amount
    from projects
    group by axis
),

facility_jobs as (
    -- Unknown when any key's latest report of a year gives no jobs; how many do not, beside it.
    select p.axis,
        case when count(y.jobs_committed) = count(*) then cast(sum(y.jobs_committed) as bigint) end
            as facility_jobs_committed,
        cast(coalesce(sum(y.jobs_committed), 0) as bigint) as facility_jobs_lower_bound,
        count(y.jobs_committed) as facility_jobs_known_part_count,
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
        -- 0 for an axis with no (active) project; unknown when none of its projects gives one.
        case when coalesce(t.project_count, 0) = 0 then 0 when t.facility_known_count > 0 then t.facility_amount end
            as facility_amount,
        -- investment ÷ jobs, exact: rials as integers, rounded half up to the rial.
        case when t.new_jobs > 0 then cast(cast(
            (2 * cast(cast(t.investment_amount as decimal(38, 6)) * 1000000 as hugeint) + t.new_jobs)
                // (2 * t.new_jobs)
            as decimal(38, 0)) * 0.000001 as decimal(38, 6))
        end as investment_per_new_job_amount,
        case when t.new_jobs + t.sustained_jobs > 0 then cast(cast(
            (2 * cast(cast(t.investment_amount as decimal(38, 6)) * 1000000 as hugeint) + t.new_jobs + t.sustained_jobs)
                // (2 * (t.new_jobs + t.sustained_jobs))
            as decimal(38, 0)) * 0.000001 as decimal(38, 6))
        end as investment_per_job_amount,
        f.facility_jobs_committed,
        coalesce(f.facility_jobs_lower_bound, 0) as facility_jobs_lower_bound,
        coalesce(f.facility_jobs_known_part_count, 0) as facility_jobs_known_part_count,
        a.application_jobs_committed,
        coalesce(f.facility_jobs_unknown_count, 0) as facility_jobs_unknown_count,
        coalesce(t.cancelled_new_jobs, 0) as cancelled_new_jobs,
        coalesce(t.cancelled_sustained_jobs, 0) as cancelled_sustained_jobs,
        coalesce(t.cancelled_investment_amount, 0) as cancelled_investment_amount
    from axis_codes k
    left join axes x on x.axis = k.axis
    left join project_totals t on t.axis = k.axis
    left join facility_jobs f on f.axis = k.axis
    left join application_jobs a on a.axis = k.axis
)

select * from final
