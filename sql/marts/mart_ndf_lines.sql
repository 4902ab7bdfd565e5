-- National Development Fund lines and how much of them has been lent (CONTRACT §6). A bank's
-- lines for one programme form a pool that draws only on the bank's NDF-funded lending of that
-- programme, from each line's deposit quarter on (int_ndf_pool_quarters: year-to-date figures
-- split evenly over the quarters they span, lending beyond the lines deposited so far drawing on
-- none). What the pool's lines have lent by its latest report is set against the lines in deposit
-- order, first in first used, each line taking at most its resources, so idle_amount =
-- resources_amount − disbursed_amount is never below 0; lending beyond every line's resources
-- shows in pool_disbursed_amount > pool_resources_amount. NULL when the bank has not reported the
-- programme since the deposit.
with lines as (
    select * from stg_ndf_lines
),

pool_quarters as (
    select * from int_ndf_pool_quarters
),

as_of as (
    -- The pool's latest quarter with a report since its first deposit.
    select program, bank, arg_max(drawn_amount, period) as drawn_amount,
        arg_max(lent_since_deposit_amount, period) as pool_disbursed_amount, max(period) as as_of_period
    from pool_quarters
    where has_report
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
        a.pool_disbursed_amount,
        a.as_of_period,
        -- (greatest and least skip NULLs: an unreported pool must stay NULL, not become 0)
        case when a.drawn_amount is not null then
            least(greatest(a.drawn_amount - o.resources_before_amount, 0), o.resources_amount)
        end as disbursed_amount
    from ordered_lines o
    left join as_of a on a.program = o.program and a.bank = o.bank
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
