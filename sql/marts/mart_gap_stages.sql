-- Where the unabsorbed money stalls (CONTRACT §6): the gap of mart_absorption split along the
-- funnel allocated → referred → approved → contracted → disbursed. Each stage is first capped by
-- the allocation and by every known stage before it, so referrals beyond the quota (common) are
-- not counted as money lost at approval; every part is then ≥ 0, and the parts add up to the gap
-- whenever the funnel is consistent. residual_amount is the rest of the gap: money at stages a
-- report did not give, or (negative) money disbursed beyond an earlier stage or the allocation.
with key_quarters as (
    select * from int_absorption_quarters
),

split as (
    -- The split is sql/macros/gap_split.sql, shared with mart_gap_by_unit.
    select
        *,
        gap_split(allocated_amount, referred_amount, approved_amount, contracted_amount, disbursed_amount) as gap
    from key_quarters
),

parts as (
    select
        * exclude (gap),
        gap.*,
        allocated_amount is not null
            and referred_amount is not null and approved_amount is not null
            and contracted_amount is not null and disbursed_amount is not null
            and approved_amount <= referred_amount
            and contracted_amount <= approved_amount
            and disbursed_amount <= contracted_amount
            and disbursed_amount <= allocated_amount
            as is_funnel_consistent
    from split
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
        residual_amount,
        is_funnel_consistent
    from parts
)

select * from final
