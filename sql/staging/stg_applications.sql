-- Applications: one row per applicant referred to a bank. The big one (millions of rows), so a
-- view: each reader scans only the columns it needs.
with source as (
    select * from applications
),

staged as (
    select
        application_id,
        year,
        quarter,
        program,
        bank,
        agency,
        county,
        sector,
        status,
        reason_code,
        requested_amount,
        approved_amount,
        disbursed_amount,
        jobs_committed,
        referral_date,
        disbursement_date,
        -- The stage an application reached: its status, or an amount that shows it got there
        -- (a rejection after approval still passed approval).
        status in ('approved', 'contracted', 'disbursed') or coalesce(approved_amount, 0) > 0 or coalesce(disbursed_amount, 0) > 0 as is_approved,
        status in ('contracted', 'disbursed') or coalesce(disbursed_amount, 0) > 0 as is_contracted,
        status = 'disbursed' or coalesce(disbursed_amount, 0) > 0 as is_disbursed,
        status in ('rejected', 'withdrawn') as is_dropped,
        disbursement_date - referral_date as days_to_disbursement
    from source
)

select * from staged
