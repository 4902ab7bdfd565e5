-- League tables: banks, agencies and counties ranked by absorption gap and rate, per quarter.
-- Allocations count in full for every code they name. Disbursement: for banks and counties, the
-- reports counted in totals; for agencies, the agencies' own reports (banks report no agency).
-- gap_rank 1 = the largest gap; rate_rank 1 = the highest rate. Ties share a rank; a NULL value
-- gets no rank. Rows with no code (e.g. allocations to no particular bank) are left out here.
with key_quarters as (
    select * from int_absorption_quarters
),

by_code as (
    select year, quarter, 'bank' as dimension, bank as code,
        sum(allocated_amount) as allocated_amount,
        sum(disbursed_amount) filter (where is_in_totals) as disbursed_amount
    from key_quarters
    where bank is not null
    group by all
    union all
    select year, quarter, 'agency', agency,
        sum(allocated_amount),
        sum(disbursed_amount) filter (where is_reported)
    from key_quarters
    where agency is not null
    group by all
    union all
    select year, quarter, 'county', county,
        sum(allocated_amount),
        sum(disbursed_amount) filter (where is_in_totals)
    from key_quarters
    where county is not null
    group by all
),

measured as (
    select
        *,
        allocated_amount - disbursed_amount as absorption_gap,
        case when allocated_amount > 0
            then cast(disbursed_amount as double) / cast(allocated_amount as double)
        end as absorption_rate,
        -- The rate exactly, for ranking: floor(disbursed ÷ allocated × 10^15) in integer
        -- arithmetic on millionths of a million rials (the amounts' scale), so equal ratios such
        -- as 0.3 / 0.9 and 1.1 / 3.3 tie, which their DOUBLE quotients do not.
        case when allocated_amount > 0
            then cast(disbursed_amount * 1000000 as hugeint) * cast(1000000000000000 as hugeint)
                // cast(allocated_amount * 1000000 as hugeint)
        end as rate_rank_key
    from by_code
),

ranked as (
    select
        *,
        case when absorption_gap is not null then
            rank() over (partition by year, quarter, dimension, absorption_gap is null order by absorption_gap desc)
        end as gap_rank,
        case when rate_rank_key is not null then
            rank() over (partition by year, quarter, dimension, rate_rank_key is null order by rate_rank_key desc)
        end as rate_rank,
        count(absorption_gap) over (partition by year, quarter, dimension) as ranked_count
    from measured
),

final as (
    select
        year,
        quarter,
        dimension,
        code,
        allocated_amount,
        disbursed_amount,
        absorption_gap,
        absorption_rate,
        gap_rank,
        rate_rank,
        ranked_count
    from ranked
)

select * from final
