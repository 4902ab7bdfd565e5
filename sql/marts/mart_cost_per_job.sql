-- What a job costs: per year of referral, programme, bank and sector, the money disbursed per job
-- committed by the paid applications, and the money requested per job by every referred one,
-- beside the 680–750 million rials of capital per job reported for referred projects (DOMAIN:
-- published provincial figures). Per-job amounts are exact (integer arithmetic on rials, half up).
-- disbursed_amount is NULL when a paid application gives no amount (known_disbursed_count says how
-- many do); the per-job figure is then over the applications that give one.
with applications as (
    select * from stg_applications
),

summed as (
    select
        year, program, bank, sector,
        count(*) as referred_count,
        sum(requested_amount) as requested_amount,
        cast(sum(jobs_committed) as bigint) as referred_jobs_committed,
        count(*) filter (where is_disbursed) as disbursed_count,
        count(*) filter (where is_disbursed and disbursed_amount is not null) as known_disbursed_count,
        coalesce(sum(disbursed_amount) filter (where is_disbursed), 0) as known_disbursed_amount,
        cast(coalesce(sum(jobs_committed) filter (where is_disbursed and disbursed_amount is not null), 0) as bigint)
            as known_disbursed_jobs_committed,
        cast(coalesce(sum(jobs_committed) filter (where is_disbursed), 0) as bigint) as disbursed_jobs_committed
    from applications
    group by all
),

final as (
    select
        year,
        program,
        bank,
        sector,
        referred_count,
        requested_amount,
        referred_jobs_committed,
        case when referred_jobs_committed > 0 then cast(cast(
            (2 * cast(cast(requested_amount as decimal(38, 6)) * 1000000 as hugeint) + referred_jobs_committed)
                // (2 * referred_jobs_committed)
            as decimal(38, 0)) * 0.000001 as decimal(38, 6))
        end as requested_per_job_amount,
        disbursed_count,
        known_disbursed_count,
        case when known_disbursed_count = disbursed_count then known_disbursed_amount end as disbursed_amount,
        disbursed_jobs_committed,
        case when known_disbursed_jobs_committed > 0 then cast(cast(
            (2 * cast(cast(known_disbursed_amount as decimal(38, 6)) * 1000000 as hugeint)
                + known_disbursed_jobs_committed)
                // (2 * known_disbursed_jobs_committed)
            as decimal(38, 0)) * 0.000001 as decimal(38, 6))
        end as disbursed_per_job_amount,
        -- The published range for referred projects (DOMAIN.md), million rials per job.
        cast(680 as decimal(38, 6)) as reference_low_amount,
        cast(750 as decimal(38, 6)) as reference_high_amount
    from summed
)

select * from final
