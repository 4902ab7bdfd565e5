-- Job-creation projects proposed to the Supreme Employment Council.
with source as (
    select * from projects
),

renamed as (
    select
        project_id,
        title,
        axis,
        lead_agency,
        -- Several counties are stored as codes joined by ';'.
        county as counties,
        case when county is null then 0 else len(string_split(county, ';')) end as county_count,
        investment_amount,
        facility_amount,
        new_jobs,
        sustained_jobs,
        status,
        decision_date,
        decision_date_jalali,
        load_id,
        source_file,
        source_line
    from source
)

select * from renamed
