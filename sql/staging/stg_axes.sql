-- The working group's operational axes (data/reference/axes.csv).
with source as (
    select * from ref_axes
),

renamed as (
    select
        code as axis,
        name_fa as axis_name_fa,
        name_en as axis_name_en
    from source
)

select * from renamed
