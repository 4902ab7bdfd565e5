-- Programmes with their own funding source and operational axis (data/reference/programs.csv).
with source as (
    select * from ref_programs
),

renamed as (
    select
        code as program,
        name_fa as program_name_fa,
        funding_source as program_funding_source,
        axis
    from source
)

select * from renamed
