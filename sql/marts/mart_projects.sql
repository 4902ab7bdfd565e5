-- One row per job-creation project, with its axis, status and jobs (CONTRACT §6).
with projects as (
    select * from stg_projects
),

axes as (
    select * from stg_axes
),

final as (
    select
        p.project_id,
        p.title,
        p.axis,
        a.axis_name_fa,
        p.lead_agency,
        p.counties,
        p.county_count,
        p.status,
        p.status <> 'cancelled' as is_active,
        p.investment_amount,
        p.facility_amount,
        p.new_jobs,
        p.sustained_jobs,
        p.new_jobs + p.sustained_jobs as total_jobs,
        -- investment ÷ jobs, exact: rials as integers, rounded half up to the rial.
        case when p.new_jobs > 0 then cast(cast(
            (2 * cast(cast(p.investment_amount as decimal(38, 6)) * 1000000 as hugeint) + p.new_jobs)
                // (2 * p.new_jobs)
            as decimal(38, 0)) * 0.000001 as decimal(38, 6))
        end as investment_per_new_job_amount,
        case when p.new_jobs + p.sustained_jobs > 0 then cast(cast(
            (2 * cast(cast(p.investment_amount as decimal(38, 6)) * 1000000 as hugeint) + p.new_jobs + p.sustained_jobs)
                // (2 * (p.new_jobs + p.sustained_jobs))
            as decimal(38, 0)) * 0.000001 as decimal(38, 6))
        end as investment_per_job_amount,
        p.decision_date,
        p.decision_date_jalali,
        p.load_id,
        p.source_file,
        p.source_line
    from projects p
    left join axes a on a.axis = p.axis
)

select * from final
