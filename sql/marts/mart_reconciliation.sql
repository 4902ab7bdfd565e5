-- Do the banks' reports agree with the applications? Per year, quarter, programme and bank, both
-- sides as cumulative year-to-date figures: referrals by referral quarter, payouts by the quarter
-- of the disbursement date (the referral's when the date is missing). difference = reported −
-- from applications: positive when a bank reports more than the applications show. The reported
-- side sums the bank's own reports (agency NULL) over counties; NULL when the bank did not report.
with applications as (
    select * from int_applications_by_quarter
),

key_quarters as (
    select * from int_absorption_quarters
),

referred_flow as (
    select year, quarter, program, bank,
        cast(sum(application_count) as bigint) as referred_count,
        sum(requested_amount) as referred_amount
    from applications
    group by all
),

disbursed_flow as (
    select disbursed_year as year, disbursed_quarter as quarter, program, bank,
        cast(sum(disbursed_count) as bigint) as disbursed_count,
        -- Unknown when any paid application gives no amount.
        case when count(disbursed_amount) = count(*) then sum(disbursed_amount) end as disbursed_amount
    from applications
    where disbursed_count > 0
    group by all
),

reported as (
    select year, quarter, program, bank,
        -- Unknown when any of the bank's rows leaves the figure out.
        case when count(referred_count) = count(*) then cast(sum(referred_count) as bigint) end as reported_referred_count,
        case when count(referred_amount) = count(*) then sum(referred_amount) end as reported_referred_amount,
        case when count(disbursed_count) = count(*) then cast(sum(disbursed_count) as bigint) end as reported_disbursed_count,
        sum(disbursed_amount) as reported_disbursed_amount
    from key_quarters
    where is_reported and report_source = 'bank' and bank is not null
    group by all
),

keys as (
    select year, quarter, program, bank from referred_flow
    union select year, quarter, program, bank from disbursed_flow
    union select year, quarter, program, bank from reported
),

latest_quarter as (
    select year, max(quarter) as latest_quarter from keys group by year
),

key_span as (
    select year, program, bank, min(quarter) as first_quarter from keys group by all
),

grid as (
    select s.year, q.quarter, s.program, s.bank
    from key_span s
    join latest_quarter l on l.year = s.year
    cross join (select unnest(range(1, 5)) as quarter) q
    where q.quarter between s.first_quarter and l.latest_quarter
),

cumulated as (
    select
        g.*,
        cast(sum(coalesce(rf.referred_count, 0)) over key_year as bigint) as applications_referred_count,
        sum(coalesce(rf.referred_amount, 0)) over key_year as applications_referred_amount,
        cast(sum(coalesce(df.disbursed_count, 0)) over key_year as bigint) as applications_disbursed_count,
        -- 0 for a quarter with no payout; unknown from a quarter whose payouts lack an amount on.
        case when count(df.disbursed_count) over key_year = count(df.disbursed_amount) over key_year
            then sum(coalesce(df.disbursed_amount, 0)) over key_year
        end as applications_disbursed_amount
    from grid g
    left join referred_flow rf on rf.year = g.year and rf.quarter = g.quarter and rf.program = g.program and rf.bank = g.bank
    left join disbursed_flow df on df.year = g.year and df.quarter = g.quarter and df.program = g.program and df.bank = g.bank
    window key_year as (partition by g.year, g.program, g.bank order by g.quarter)
),

final as (
    select
        c.year,
        c.quarter,
        c.program,
        c.bank,
        r.year is not null as is_reported,
        c.applications_referred_count,
        r.reported_referred_count,
        r.reported_referred_count - c.applications_referred_count as referred_count_difference,
        c.applications_referred_amount,
        r.reported_referred_amount,
        r.reported_referred_amount - c.applications_referred_amount as referred_difference_amount,
        c.applications_disbursed_count,
        r.reported_disbursed_count,
        r.reported_disbursed_count - c.applications_disbursed_count as disbursed_count_difference,
        c.applications_disbursed_amount,
        r.reported_disbursed_amount,
        r.reported_disbursed_amount - c.applications_disbursed_amount as disbursed_difference_amount,
        case when r.reported_disbursed_amount > 0
            then cast(r.reported_disbursed_amount - c.applications_disbursed_amount as double)
                / cast(r.reported_disbursed_amount as double)
        end as disbursed_difference_ratio
    from cumulated c
    left join reported r on r.year = c.year and r.quarter = c.quarter and r.program = c.program and r.bank = c.bank
)

select * from final
