-- League tables: banks, agencies and counties ranked by absorption gap and rate, per quarter.
-- Allocations count in full for every code they name. Disbursement: for banks and counties, the
-- keys counted in totals (README, metric dictionary 5); for agencies, the agencies' own reports
-- (banks report no agency); each key's latest report of the year carried to the quarter (as in
-- mart_absorption_trend), and the rate and gap over the allocation set beside a known figure
-- (is_allocation_reported: a bank that sent nothing but whose lending the agencies at it report
-- keeps its allocation beside their figures, is_reported_by_agencies). gap_rank 1 = the largest
-- gap; rate_rank 1 = the highest rate; ties share a rank. A code with no known figure at all (a
-- bank that sends nothing, and no agency in its stead) is ranked after every code that reported,
-- with is_reported = false. Rows with no code (e.g. allocations to no particular bank) are left
-- out here.
with key_quarters as (
    select * from int_absorption_quarters
),

coded as (
    select year, quarter, 'bank' as dimension, bank as code, is_in_totals as is_counted,
        is_allocation_reported, is_reported_by_agencies, allocated_amount, known_disbursed_amount
    from key_quarters
    where bank is not null
    union all
    -- An agency's own reports: its allocation stands beside its own figure.
    select year, quarter, 'agency', agency, true, known_disbursed_amount is not null, false,
        allocated_amount, known_disbursed_amount
    from key_quarters
    where agency is not null
    union all
    select year, quarter, 'county', county, is_in_totals, is_allocation_reported, is_reported_by_agencies,
        allocated_amount, known_disbursed_amount
    from key_quarters
    where county is not null
),

by_code as (
    select
        year, quarter, dimension, code,
        sum(allocated_amount) as allocated_amount,
        coalesce(sum(allocated_amount) filter (where not is_allocation_reported), 0) as unreported_allocated_amount,
        sum(known_disbursed_amount) filter (where is_counted) as disbursed_amount,
        bool_or(is_reported_by_agencies) as is_reported_by_agencies
    from coded
    group by all
),

measured as (
    select
        *,
        disbursed_amount is not null as is_reported,
        allocated_amount - unreported_allocated_amount - disbursed_amount as absorption_gap,
        case when allocated_amount - unreported_allocated_amount > 0
            then cast(disbursed_amount as double) / cast(allocated_amount - unreported_allocated_amount as double)
        end as absorption_rate,
        -- The rate exactly, for ranking: floor(disbursed ÷ allocated × 10^15) in integer
        -- arithmetic on millionths of a million rials (the amounts' scale), so equal ratios such
        -- as 0.3 / 0.9 and 1.1 / 3.3 tie, which their DOUBLE quotients do not. Widened to
        -- DECIMAL(38, 6) first: national sums overflow DECIMAL(18, 6) when multiplied.
        case when allocated_amount - unreported_allocated_amount > 0
            then cast(cast(disbursed_amount as decimal(38, 6)) * 1000000 as hugeint) * cast(1000000000000000 as hugeint)
                // cast(cast(allocated_amount - unreported_allocated_amount as decimal(38, 6)) * 1000000 as hugeint)
        end as rate_rank_key
    from by_code
),

ranked as (
    select
        *,
        -- Codes with no known gap (or rate) sort last and share the last rank.
        rank() over (partition by year, quarter, dimension order by absorption_gap desc nulls last) as gap_rank,
        rank() over (partition by year, quarter, dimension order by rate_rank_key desc nulls last) as rate_rank,
        count(absorption_gap) over (partition by year, quarter, dimension) as ranked_count
    from measured
),

final as (
    select
        year,
        quarter,
        dimension,
        code,
        is_reported,
        is_reported_by_agencies,
        allocated_amount,
        unreported_allocated_amount,
        disbursed_amount,
        absorption_gap,
        absorption_rate,
        gap_rank,
        rate_rank,
        ranked_count
    from ranked
)

select * from final
