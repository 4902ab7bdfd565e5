-- Why previous years' facilities were not fully absorbed, and what became of them: per year,
-- programme and bank, the allocation left unabsorbed at year end and how much of it the next
-- year's lending absorbed. Built on int_notification_fill (first notified, first absorbed, per
-- counting key: a bank's key with the agencies' keys at it, filled with the lending the counting
-- rule keeps): the lending goes first to the earlier notifications, and the next year's lending
-- first to what this year's notifications left over. Notifications whose counting key had no
-- counted report by their quarter (unreported) are kept apart; those not reported the next year
-- are not followed (next_year_followed_amount says how much was).
with fill as (
    select * from int_notification_fill
),

summed as (
    select
        year,
        program,
        bank,
        sum(allocated_amount) as allocated_amount,
        coalesce(sum(allocated_amount) filter (where is_reported), 0) as reported_allocated_amount,
        coalesce(sum(absorbed_in_year_amount), 0) as absorbed_in_year_amount,
        coalesce(sum(allocated_amount - absorbed_in_year_amount), 0) as unabsorbed_amount,
        coalesce(sum(allocated_amount - absorbed_in_year_amount)
            filter (where absorbed_by_next_year_amount is not null), 0) as next_year_followed_amount,
        coalesce(sum(absorbed_by_next_year_amount - absorbed_in_year_amount), 0) as absorbed_next_year_amount,
        count(*) filter (where is_reported and absorbed_in_year_amount < allocated_amount)
            as unabsorbed_notification_count
    from fill
    group by year, program, bank
),

final as (
    select
        year,
        program,
        bank,
        allocated_amount,
        reported_allocated_amount,
        allocated_amount - reported_allocated_amount as unreported_allocated_amount,
        absorbed_in_year_amount,
        unabsorbed_amount,
        unabsorbed_notification_count,
        case when reported_allocated_amount > 0
            then cast(unabsorbed_amount as double) / cast(reported_allocated_amount as double)
        end as unabsorbed_rate,
        next_year_followed_amount,
        absorbed_next_year_amount,
        next_year_followed_amount - absorbed_next_year_amount as still_unabsorbed_amount,
        case when next_year_followed_amount > 0
            then cast(absorbed_next_year_amount as double) / cast(next_year_followed_amount as double)
        end as carried_absorption_rate
    from summed
)

select * from final
