-- National Development Fund pools quarter by quarter: a bank's lines for one programme form a
-- pool, and the pool draws only on the bank's NDF-funded lending of that programme (keys with
-- funding_source 'ndf' counted in totals, README metric dictionary 5) from each line's deposit
-- quarter on.
--
-- Reports are year-to-date, so a key's lending per quarter is the change of its cumulative figure.
-- A figure that spans quarters the key did not report (a first report in Q3 covers Q1–Q3) is
-- split evenly over them: the cumulative is interpolated linearly between the key's reports
-- (from 0 at the start of the year), rounded to the rial, so lending from before a deposit does
-- not count against it. After a key's latest report of the year its figure is carried (no lending).
--
-- drawn_amount, what the pool's lines have lent, follows S(t) = min(S(t-1) + lending(t), C(t)),
-- with C(t) the resources deposited by t: lending beyond every line deposited so far draws on no
-- line (a later deposit cannot take it). Unrolled, S(t) = L(t) + min(0, min over s ≤ t of
-- (C(s) − L(s))), L the cumulative lending: a running minimum, exact in DECIMAL.
with lines as (
    select * from stg_ndf_lines
),

reports as (
    select * from stg_absorption
),

key_quarters as (
    select * from int_absorption_quarters
),

pools as (
    select program, bank, min(year * 4 + quarter - 1) as first_period
    from lines
    group by all
),

key_years as (
    -- The NDF-funded keys of each pool counted in totals (one rule per year and key).
    select distinct k.year, k.program, k.bank, k.agency, k.county
    from key_quarters k
    join pools p on p.program = k.program and p.bank = k.bank
    where k.funding_source = 'ndf' and k.is_in_totals
),

latest_period as (
    select max(year * 4 + quarter - 1) as last_period from reports
),

key_grid as (
    select k.*, q.quarter
    from key_years k
    cross join (select unnest(range(1, 5)) as quarter) q
),

reported as (
    select
        g.*,
        r.disbursed_amount,
        case when r.disbursed_amount is not null then g.quarter end as reported_quarter
    from key_grid g
    left join reports r
        on r.year = g.year and r.quarter = g.quarter and r.program = g.program and r.bank = g.bank
        and r.funding_source = 'ndf'
        and r.agency is not distinct from g.agency
        and r.county is not distinct from g.county
),

neighbours as (
    select
        *,
        coalesce(last_value(reported_quarter ignore nulls) over before_now, 0) as previous_quarter,
        coalesce(last_value(disbursed_amount ignore nulls) over before_now, 0) as previous_amount,
        first_value(reported_quarter ignore nulls) over from_now as next_quarter,
        first_value(disbursed_amount ignore nulls) over from_now as next_amount
    from reported
    window
        before_now as (partition by year, program, bank, agency, county order by quarter
            rows between unbounded preceding and current row),
        from_now as (partition by year, program, bank, agency, county order by quarter
            rows between current row and unbounded following)
),

interpolated as (
    -- In millionths of a million rials (one rial), as integers: the split is exact, half up.
    select
        *,
        case
            when next_quarter is null then previous_amount
            when next_quarter = previous_quarter then next_amount
            else cast(cast(
                (2 * cast(cast(next_amount - previous_amount as decimal(38, 6)) * 1000000 as hugeint)
                    * (quarter - previous_quarter) + (next_quarter - previous_quarter))
                // (2 * (next_quarter - previous_quarter)) as decimal(38, 0)) * 0.000001 as decimal(38, 6))
                + previous_amount
        end as cumulative_amount
    from neighbours
),

key_flows as (
    select
        *,
        cumulative_amount - coalesce(lag(cumulative_amount) over (
            partition by year, program, bank, agency, county order by quarter
        ), 0) as key_lending_amount
    from interpolated
),

key_lending as (
    select
        year, quarter, program, bank,
        sum(key_lending_amount) as lending_amount,
        bool_or(reported_quarter is not null) as has_report
    from key_flows
    group by year, quarter, program, bank
),

pool_grid as (
    select p.program, p.bank, t.period, t.period // 4 as year, t.period % 4 + 1 as quarter, p.first_period
    from pools p
    cross join latest_period l
    cross join lateral (
        select unnest(range(p.first_period, greatest(coalesce(l.last_period, p.first_period), p.first_period) + 1))
            as period
    ) t
),

deposits as (
    select program, bank, year * 4 + quarter - 1 as period, sum(resources_amount) as resources_amount,
        sum(ndf_amount) as ndf_amount, count(*) as line_count
    from lines
    group by all
),

pool_flows as (
    select
        g.*,
        coalesce(d.resources_amount, 0) as deposited_amount,
        coalesce(d.ndf_amount, 0) as ndf_deposited_amount,
        coalesce(d.line_count, 0) as deposited_line_count,
        coalesce(k.lending_amount, 0) as lending_amount,
        coalesce(k.has_report, false) as has_report
    from pool_grid g
    left join deposits d on d.program = g.program and d.bank = g.bank and d.period = g.period
    left join key_lending k on k.program = g.program and k.bank = g.bank and k.year * 4 + k.quarter - 1 = g.period
),

cumulated as (
    select
        *,
        sum(deposited_amount) over pool_to_date as resources_amount,
        sum(ndf_deposited_amount) over pool_to_date as ndf_amount,
        sum(deposited_line_count) over pool_to_date as line_count,
        sum(lending_amount) over pool_to_date as lent_since_deposit_amount,
        bool_or(has_report) over pool_to_date as is_reported
    from pool_flows
    window pool_to_date as (partition by program, bank order by period rows between unbounded preceding and current row)
),

drawn as (
    select
        *,
        lent_since_deposit_amount + least(0, min(resources_amount - lent_since_deposit_amount) over (
            partition by program, bank order by period rows between unbounded preceding and current row
        )) as drawn_amount
    from cumulated
),

final as (
    select
        program,
        bank,
        year,
        quarter,
        period,
        first_period,
        line_count,
        ndf_amount,
        resources_amount,
        lending_amount,
        lent_since_deposit_amount,
        case when is_reported then drawn_amount end as drawn_amount,
        has_report,
        is_reported
    from drawn
)

select * from final
