-- National Development Fund lines and how much of them has been lent (CONTRACT §6).
-- A bank's lines for one programme form a pool; what the bank disbursed for that programme since
-- the pool's first deposit (from the reports counted in totals) is set against the lines in
-- deposit order, first in first used, each line taking at most its resources. So idle_amount =
-- resources_amount − disbursed_amount is never below 0, and money lent beyond every line's
-- resources shows in pool_disbursed_amount > pool_resources_amount. NULL when the bank has not
-- reported the programme since the deposit.
with lines as (
    select * from stg_ndf_lines
),

key_quarters as (
    select * from int_absorption_quarters
),

pool_cumulative as (
    -- The bank's cumulative disbursement of the programme, per quarter it reported.
    select year, quarter, program, bank, sum(disbursed_amount) as disbursed_amount
    from key_quarters
    where is_in_totals and bank is not null
    group by all
),

pool_start as (
    select program, bank, min(year * 4 + quarter - 1) as first_period
    from lines
    group by all
),

pool_years as (
    -- Each year's latest cumulative figure, less (in the deposit year) what was already
    -- disbursed by the latest report before the deposit quarter. A year whose reports all
    -- predate the deposit does not count.
    select
        c.program, c.bank, c.year,
        arg_max(c.disbursed_amount, c.quarter) as year_disbursed_amount,
        coalesce(arg_max(c.disbursed_amount, c.quarter) filter (where c.year * 4 + c.quarter - 1 < s.first_period), 0)
            as before_deposit_amount,
        max(c.year * 4 + c.quarter - 1) as last_period
    from pool_cumulative c
    join pool_start s on s.program = c.program and s.bank = c.bank
    where c.year >= s.first_period // 4
    group by c.program, c.bank, c.year, s.first_period
    having max(c.year * 4 + c.quarter - 1) >= s.first_period
),

pool_disbursed as (
    select
        program, bank,
        sum(year_disbursed_amount - before_deposit_amount) as pool_disbursed_amount,
        max(last_period) as as_of_period
    from pool_years
    group by all
),

ordered_lines as (
    select
        l.*,
        coalesce(sum(l.resources_amount) over (
            partition by l.program, l.bank order by l.year, l.quarter, l.line_id
            rows between unbounded preceding and 1 preceding
        ), 0) as resources_before_amount,
        sum(l.resources_amount) over (partition by l.program, l.bank) as pool_resources_amount
    from lines l
),

matched as (
    select
        o.*,
        d.pool_disbursed_amount,
        d.as_of_period,
        -- (greatest and least skip NULLs: an unreported pool must stay NULL, not become 0)
        case when d.pool_disbursed_amount is not null then
            least(greatest(d.pool_disbursed_amount - o.resources_before_amount, 0), o.resources_amount)
        end as disbursed_amount
    from ordered_lines o
    left join pool_disbursed d on d.program = o.program and d.bank = o.bank
),

final as (
    select
        line_id,
        year,
        quarter,
        bank,
        program,
        ndf_amount,
        bank_match_amount,
        resources_amount,
        interest_rate,
        term_months,
        grace_months,
        disbursed_amount,
        resources_amount - disbursed_amount as idle_amount,
        cast(disbursed_amount as double) / cast(resources_amount as double) as utilization,
        pool_resources_amount,
        pool_disbursed_amount,
        as_of_period // 4 as as_of_year,
        as_of_period % 4 + 1 as as_of_quarter,
        disbursed_amount is not null as is_reported,
        load_id,
        source_file,
        source_line
    from matched
)

select * from final
