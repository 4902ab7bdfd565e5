-- The applications funnel per year of referral, programme and bank: how many applications
-- (and how much money) reached each stage, the conversion from each stage to the next, and the
-- median days from referral to disbursement. An application counts at a stage it passed, even if
-- it was rejected or withdrawn later (an approved amount shows it passed approval). The approval
-- rate is over decided applications (approved, or rejected without approval): pending ones and
-- those withdrawn before a decision are left out of its denominator.
with applications as (
    select * from stg_applications
),

application_quarters as (
    select * from int_applications_by_quarter
),

counted as (
    select
        year,
        program,
        bank,
        cast(sum(application_count) as bigint) as referred_count,
        cast(sum(approved_count) as bigint) as approved_count,
        cast(sum(contracted_count) as bigint) as contracted_count,
        cast(sum(disbursed_count) as bigint) as disbursed_count,
        cast(sum(rejected_count) as bigint) as rejected_count,
        cast(sum(withdrawn_count) as bigint) as withdrawn_count,
        cast(sum(pending_count) as bigint) as pending_count,
        cast(sum(decided_count) as bigint) as decided_count,
        sum(requested_amount) as referred_amount,
        -- Unknown when any part is (an approved or paid application with no amount).
        case when count(approved_amount) = count(*) then sum(approved_amount) end as approved_amount,
        case when count(disbursed_amount) = count(*) then sum(disbursed_amount) end as disbursed_amount
    from application_quarters
    group by all
),

timed as (
    -- A median needs the applications themselves: one scan of the paid ones with both dates.
    select
        year,
        program,
        bank,
        median(days_to_disbursement) as median_days_to_disbursement,
        count(*) as timed_disbursed_count
    from applications
    where is_disbursed and days_to_disbursement is not null
    group by all
),

final as (
    select
        c.year,
        c.program,
        c.bank,
        c.referred_count,
        c.approved_count,
        c.contracted_count,
        c.disbursed_count,
        c.rejected_count,
        c.withdrawn_count,
        c.pending_count,
        c.decided_count,
        c.referred_amount,
        c.approved_amount,
        c.disbursed_amount,
        t.median_days_to_disbursement,
        coalesce(t.timed_disbursed_count, 0) as timed_disbursed_count,
        -- Over decided applications: one still waiting for the bank is neither approved nor refused.
        cast(c.approved_count as double) / nullif(c.decided_count, 0) as approval_rate,
        cast(c.contracted_count as double) / nullif(c.approved_count, 0) as contract_rate,
        cast(c.disbursed_count as double) / nullif(c.contracted_count, 0) as disbursement_rate,
        cast(c.disbursed_count as double) / nullif(c.referred_count, 0) as conversion_rate,
        case when c.referred_amount > 0
            then cast(c.disbursed_amount as double) / cast(c.referred_amount as double)
        end as amount_conversion_rate
    from counted c
    left join timed t on t.year = c.year and t.program = c.program and t.bank = c.bank
)

select * from final
