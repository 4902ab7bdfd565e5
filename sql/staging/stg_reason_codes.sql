-- Reasons for non-absorption and who they point at: bank, applicant, agency or policy.
with source as (
    select * from ref_reasons
),

renamed as (
    select
        code as reason_code,
        name_fa as reason_name_fa,
        actor as reason_actor
    from source
)

select * from renamed
