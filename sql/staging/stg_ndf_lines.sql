-- National Development Fund lines: resources deposited at an agent bank for a programme.
with source as (
    select * from ndf_lines
),

renamed as (
    select
        line_id,
        year,
        quarter,
        program,
        bank,
        ndf_amount,
        bank_match_amount,
        -- The fund's deposit and the bank's matching share are lent together.
        ndf_amount + bank_match_amount as resources_amount,
        interest_rate,
        term_months,
        grace_months,
        load_id,
        source_file,
        source_line
    from source
)

select * from renamed
