-- Applications summed once, early, to the grain the funnel, the reconciliation and the jobs marts
-- need: referral quarter × payout quarter × programme × bank. Millions of rows become thousands.
-- The payout's fiscal year and quarter come from its disbursement date (the referral's when the
-- file gives none): banks report cumulative payouts, so this is what their reports compare with.
with applications as (
    select * from stg_applications
),

calendar as (
    select * from calendar_days
),

by_payout_date as (
    -- Grouped on the payout DATE first (an integer, a few hundred a year), so the calendar is
    -- looked up once per date rather than once per application.
    select
        year,
        quarter,
        program,
        bank,
        disbursement_date,
        count(*) as application_count,
        sum(requested_amount) as requested_amount,
        count(*) filter (where is_approved) as approved_count,
        count(*) filter (where is_contracted) as contracted_count,
        count(*) filter (where is_disbursed) as disbursed_count,
        count(*) filter (where status = 'rejected') as rejected_count,
        count(*) filter (where status = 'withdrawn') as withdrawn_count,
        count(*) filter (where status in ('referred', 'approved', 'contracted')) as pending_count,
        -- Decided by the bank: approved (whatever came after) or rejected without approval.
        count(*) filter (where is_approved or status = 'rejected') as decided_count,
        sum(approved_amount) as approved_amount,
        sum(disbursed_amount) as disbursed_amount,
        -- Applications that reached the stage but give no amount for it: their sum is unknown.
        count(*) filter (where is_approved and approved_amount is null) as approved_unknown_count,
        count(*) filter (where is_disbursed and disbursed_amount is null) as disbursed_unknown_count,
        sum(jobs_committed) filter (where is_disbursed) as disbursed_jobs_committed
    from applications
    group by all
),

dated as (
    select
        b.*,
        coalesce(c.jalali_year, b.year) as disbursed_year,
        coalesce(c.jalali_quarter, b.quarter) as disbursed_quarter
    from by_payout_date b
    left join calendar c on c.date = b.disbursement_date
),

summed as (
    select
        year,
        quarter,
        program,
        bank,
        cast(disbursed_year as bigint) as disbursed_year,
        cast(disbursed_quarter as bigint) as disbursed_quarter,
        cast(sum(application_count) as bigint) as application_count,
        sum(requested_amount) as requested_amount,
        cast(sum(approved_count) as bigint) as approved_count,
        cast(sum(contracted_count) as bigint) as contracted_count,
        cast(sum(disbursed_count) as bigint) as disbursed_count,
        cast(sum(rejected_count) as bigint) as rejected_count,
        cast(sum(withdrawn_count) as bigint) as withdrawn_count,
        cast(sum(pending_count) as bigint) as pending_count,
        cast(sum(decided_count) as bigint) as decided_count,
        -- 0, not NULL, when none was approved or paid: the applications list is complete. NULL
        -- (unknown) when an application approved or paid gives no amount for it.
        case when sum(approved_unknown_count) = 0 then coalesce(sum(approved_amount), 0) end as approved_amount,
        case when sum(disbursed_unknown_count) = 0 then coalesce(sum(disbursed_amount), 0) end as disbursed_amount,
        cast(coalesce(sum(disbursed_jobs_committed), 0) as bigint) as disbursed_jobs_committed
    from dated
    group by year, quarter, program, bank, disbursed_year, disbursed_quarter
)

select * from summed
