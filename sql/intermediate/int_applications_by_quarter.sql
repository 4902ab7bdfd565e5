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

cells as (
    -- One pass over the applications: grouped on the payout DATE (a few hundred a year, so the
    -- calendar is looked up once per date) and on what each stage count depends on, so that the
    -- pass only counts and sums; the stage counts are then taken from these few thousand cells.
    select
        year,
        quarter,
        program,
        bank,
        disbursement_date,
        status,
        is_approved,
        is_contracted,
        is_disbursed,
        approved_amount is null as approved_amount_missing,
        disbursed_amount is null as disbursed_amount_missing,
        count(*) as application_count,
        sum(requested_amount) as requested_amount,
        sum(approved_amount) as approved_amount,
        sum(disbursed_amount) as disbursed_amount,
        sum(jobs_committed) as jobs_committed
    from applications
    group by all
),

by_payout_date as (
    select
        year, quarter, program, bank, disbursement_date,
        sum(application_count) as application_count,
        sum(requested_amount) as requested_amount,
        coalesce(sum(application_count) filter (where is_approved), 0) as approved_count,
        coalesce(sum(application_count) filter (where is_contracted), 0) as contracted_count,
        coalesce(sum(application_count) filter (where is_disbursed), 0) as disbursed_count,
        coalesce(sum(application_count) filter (where status = 'rejected'), 0) as rejected_count,
        coalesce(sum(application_count) filter (where status = 'withdrawn'), 0) as withdrawn_count,
        coalesce(sum(application_count) filter (where status in ('referred', 'approved', 'contracted')), 0) as pending_count,
        -- Decided by the bank: approved (whatever came after) or rejected without approval.
        coalesce(sum(application_count) filter (where is_approved or status = 'rejected'), 0) as decided_count,
        sum(approved_amount) as approved_amount,
        sum(disbursed_amount) as disbursed_amount,
        -- Applications that reached the stage but give no amount for it: their sum is unknown.
        coalesce(sum(application_count) filter (where is_approved and approved_amount_missing), 0) as approved_unknown_count,
        coalesce(sum(application_count) filter (where is_disbursed and disbursed_amount_missing), 0) as disbursed_unknown_count,
        sum(jobs_committed) filter (where is_disbursed) as disbursed_jobs_committed
    from cells
    group by year, quarter, program, bank, disbursement_date
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
