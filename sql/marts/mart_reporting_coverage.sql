-- Who reports, and how much of the allocation their reports cover: per year, quarter and reporter
-- (a bank's own reports, or an agency's), the files received, the keys reported, the share of the
-- reporter's allocation those keys hold, and the reports missing or late. A reporter's keys are
-- those of int_absorption_quarters (every key notified or reported that year, from its first
-- quarter on). A report is late when its row came in a later load than the first load that brought
-- any absorption report for that year and quarter (the quarter's drop).
with key_quarters as (
    select * from int_absorption_quarters
),

reports as (
    select * from stg_absorption
),

quarter_first_load as (
    select year, quarter, min(load_id) as first_load_id
    from reports
    group by all
),

reporter_keys as (
    select
        k.year, k.quarter, k.report_source as reporter_type,
        case when k.report_source = 'bank' then k.bank else k.agency end as reporter,
        k.is_reported, k.allocated_amount,
        coalesce(k.allocated_amount, 0) > 0 as is_allocated,
        k.source_file,
        k.is_reported and k.load_id > f.first_load_id as is_late
    from key_quarters k
    left join quarter_first_load f on f.year = k.year and f.quarter = k.quarter
),

counted as (
    select
        year, quarter, reporter_type, reporter,
        count(distinct source_file) as file_count,
        count(*) as key_count,
        count(*) filter (where is_reported) as reported_key_count,
        count(*) filter (where is_allocated and not is_reported) as missing_key_count,
        count(*) filter (where is_late) as late_key_count,
        coalesce(sum(allocated_amount), 0) as allocated_amount,
        coalesce(sum(allocated_amount) filter (where is_reported), 0) as covered_allocated_amount
    from reporter_keys
    where reporter is not null
    group by all
),

final as (
    select
        year,
        quarter,
        reporter_type,
        reporter,
        file_count,
        key_count,
        reported_key_count,
        missing_key_count,
        late_key_count,
        allocated_amount,
        covered_allocated_amount,
        allocated_amount - covered_allocated_amount as uncovered_allocated_amount,
        case when allocated_amount > 0
            then cast(covered_allocated_amount as double) / cast(allocated_amount as double)
        end as coverage_rate
    from counted
)

select * from final
