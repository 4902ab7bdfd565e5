-- NDF resources, lending and idle balance per bank, programme and quarter, from the pool's first
-- deposit on (int_ndf_pool_quarters: only NDF-funded lending of the programme and bank, from each
-- line's deposit quarter on), and the days from the first deposit to the first lending. The lines
-- give only the quarter of a deposit, so it is dated the quarter's first day; first lending is the
-- earliest disbursement date of the programme's applications at the bank on or after that day.
with pool_quarters as (
    select * from int_ndf_pool_quarters
),

applications as (
    select * from stg_applications
),

calendar as (
    select * from calendar_days
),

quarter_starts as (
    select jalali_year as year, jalali_quarter as quarter, min(date) as first_date
    from calendar
    group by all
),

deposit_dates as (
    select p.program, p.bank, min(s.first_date) as first_deposit_date
    from (select distinct program, bank, first_period from pool_quarters) p
    join quarter_starts s on s.year * 4 + s.quarter - 1 = p.first_period
    group by all
),

first_lending as (
    select d.program, d.bank, d.first_deposit_date, min(a.disbursement_date) as first_lending_date
    from deposit_dates d
    left join applications a
        on a.program = d.program and a.bank = d.bank and a.is_disbursed
        and a.disbursement_date >= d.first_deposit_date
    group by all
),

measured as (
    select
        q.*,
        q.resources_amount - q.drawn_amount as idle_amount,
        q.drawn_amount - coalesce(lag(q.drawn_amount) over (partition by q.program, q.bank order by q.period), 0)
            as drawn_in_quarter_amount,
        f.first_deposit_date,
        f.first_lending_date,
        f.first_lending_date - f.first_deposit_date as days_to_first_lending
    from pool_quarters q
    left join first_lending f on f.program = q.program and f.bank = q.bank
),

final as (
    select
        year,
        quarter,
        bank,
        program,
        line_count,
        ndf_amount,
        resources_amount,
        lending_amount as ndf_lending_in_quarter_amount,
        lent_since_deposit_amount,
        drawn_amount,
        drawn_in_quarter_amount,
        idle_amount,
        cast(drawn_amount as double) / nullif(cast(resources_amount as double), 0) as utilization,
        is_reported,
        first_deposit_date,
        first_lending_date,
        days_to_first_lending
    from measured
)

select * from final
