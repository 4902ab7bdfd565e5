-- The absorption gap split by funnel stage (README, metric dictionary 7), for one row of the grain
-- a mart splits at: a reporting key's quarter in mart_gap_stages, a counting key's in
-- mart_gap_by_unit. Capping then summing is not summing then capping, so each mart splits at its
-- own grain; the split itself is written once, here.
--
-- Each stage is capped by the allocation and by every earlier stage, so that each part is at least
-- 0 and the parts add up to the gap wherever the funnel is consistent. least() skips NULLs: an
-- unknown earlier stage does not cap; an unknown stage stays unknown (NULL), and so do the parts
-- it bounds. residual_amount is the rest of the gap: money at stages a report did not give, or
-- (negative) money disbursed beyond an earlier stage or the allocation. Parts + residual = gap.

-- The parts, from the stages already capped.
create or replace macro gap_split_capped(allocated, disbursed, referred_capped, approved_capped, contracted_capped, disbursed_capped) as
    struct_pack(
        absorption_gap := allocated - disbursed,
        not_referred_amount := allocated - referred_capped,
        not_approved_amount := referred_capped - approved_capped,
        not_contracted_amount := approved_capped - contracted_capped,
        not_disbursed_amount := contracted_capped - disbursed_capped,
        residual_amount := allocated - disbursed
            - coalesce(allocated - referred_capped, 0) - coalesce(referred_capped - approved_capped, 0)
            - coalesce(approved_capped - contracted_capped, 0) - coalesce(contracted_capped - disbursed_capped, 0)
    );

-- gap_split(allocated, referred, approved, contracted, disbursed).* gives absorption_gap, the four
-- not_*_amount parts and residual_amount.
create or replace macro gap_split(allocated, referred, approved, contracted, disbursed) as
    gap_split_capped(
        allocated,
        disbursed,
        case when referred is not null and allocated is not null
            then least(referred, allocated) end,
        case when approved is not null and allocated is not null
            then least(approved, allocated, referred) end,
        case when contracted is not null and allocated is not null
            then least(contracted, allocated, referred, approved) end,
        case when disbursed is not null and allocated is not null
            then least(disbursed, allocated, referred, approved, contracted) end
    );
