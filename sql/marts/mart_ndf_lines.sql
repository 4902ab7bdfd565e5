-- National Development Fund lines and how much of them has been lent (CONTRACT §6).
-- A bank's lines for one programme form a pool; what the bank disbursed for that programme since
-- the pool's first deposit (each key's latest report of each year, counted in totals) is set against the lines in
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

year_end as (
    select * from int_absorption_year_end
),

pool_start as (
    select program, bank, min(year * 4 + quarter - 1) as first_period
    from lines
    group by all
),

key_years as (
    -- Each key's latest report of each year (reports are cumulative, so a key that reported in
    -- Q2 and not in Q3 still counts with its Q2 figure), from the reports counted in totals, in
    -- the years from the pool's first deposit on.
    select y.year, y.program, y.bank, y.funding_source, y.agency, y.county,
        y.year * 4 + y.as_of_quarter - 1 as as_of_period,
        y.disbursed_amount,
        s.first_period
    from year_end y
    join pool_start s on s.program = y.program and s.bank = y.bank
    where y.is_in_totals and y.year >= s.first_period // 4
),

before_deposit as (
    -- In the deposit year, each key's latest report before the deposit quarter.
    select k.year, k.program, k.bank, k.funding_source, k.agency, k.county,
        arg_max(q.disbursed_amount, q.quarter) as before_deposit_amount
    from key_years k
    join key_quarters q
        on q.year = k.year and q.program = k.program and q.bank = k.bank
        and q.funding_source is not distinct from k.funding_source
        and q.agency is not distinct from k.agency
        and q.county is not distinct from k.county
    where q.is_reported and q.year * 4 + q.quarter - 1 < k.first_period
    group by all
),

pool_years as (
    -- Per pool and year: Σ over keys of (latest figure − figure before the deposit, 0 when none).
    -- A year whose reports all predate the deposit does not count.
    select
        k.program, k.bank, k.year,
        sum(k.disbursed_amount - coalesce(b.before_deposit_amount, 0)) as year_disbursed_amount,
        max(k.as_of_period) as last_period
    from key_years k
    left join before_deposit b
        on b.year = k.year and b.program = k.program and b.bank = k.bank
        and b.funding_source is not distinct from k.funding_source
        and b.agency is not distinct from k.agency
        and b.county is not distinct from k.county
    group by k.program, k.bank, k.year, k.first_period
    having max(k.as_of_period) >= k.first_period
),

pool_disbursed as (
    select
        program, bank,
        sum(year_disbursed_amount) as pool_disbursed_amount,
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
