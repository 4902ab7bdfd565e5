-- Where the unabsorbed money stalls (CONTRACT §6): the gap of mart_absorption split along the
-- funnel allocated → referred → approved → contracted → disbursed. Each stage is first capped by
-- the allocation and by every known stage before it, so referrals beyond the quota (common) are
-- not counted as money lost at approval; every part is then ≥ 0, and the parts add up to the gap
-- whenever the funnel is consistent. residual_amount is the rest of the gap: money at stages a
-- report did not give, or (negative) money disbursed beyond an earlier stage or the allocation.
with key_quarters as (
    select * from int_absorption_quarters
),

capped as (
    -- least() skips NULLs: an unknown earlier stage does not cap; an unknown stage stays unknown.
    select
        *,
        allocated_amount - disbursed_amount as absorption_gap,
        case when referred_amount is not null and allocated_amount is not null
            then least(referred_amount, allocated_amount) end as referred_capped,
        case when approved_amount is not null and allocated_amount is not null
            then least(approved_amount, allocated_amount, referred_amount) end as approved_capped,
        case when contracted_amount is not null and allocated_amount is not null
            then least(contracted_amount, allocated_amount, referred_amount, approved_amount) end as contracted_capped,
        case when disbursed_amount is not null and allocated_amount is not null
            then least(disbursed_amount, allocated_amount, referred_amount, approved_amount, contracted_amount) end as disbursed_capped
    from key_quarters
),

parts as (
    select
        *,
        allocated_amount - referred_capped as not_referred_amount,
        referred_capped - approved_capped as not_approved_amount,
        approved_capped - contracted_capped as not_contracted_amount,
        contracted_capped - disbursed_capped as not_disbursed_amount,
        allocated_amount is not null
            and referred_amount is not null and approved_amount is not null
            and contracted_amount is not null and disbursed_amount is not null
            and approved_amount <= referred_amount
            and contracted_amount <= approved_amount
            and disbursed_amount <= contracted_amount
            and disbursed_amount <= allocated_amount
            as is_funnel_consistent
    from capped
),

final as (
    select
        year,
        quarter,
        program,
        funding_source,
        bank,
        agency,
        county,
        report_source,
        is_reported,
        is_in_totals,
        allocated_amount,
        referred_amount,
        approved_amount,
        contracted_amount,
        disbursed_amount,
        absorption_gap,
        not_referred_amount,
        not_approved_amount,
        not_contracted_amount,
        not_disbursed_amount,
        absorption_gap
            - coalesce(not_referred_amount, 0) - coalesce(not_approved_amount, 0)
            - coalesce(not_contracted_amount, 0) - coalesce(not_disbursed_amount, 0)
            as residual_amount,
        is_funnel_consistent
    from parts
)

select * from final
