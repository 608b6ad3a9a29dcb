-- The 2025 merger as a bridge: each legacy unit and every 2025 unit that absorbed all or
-- part of it. The default successor takes a split unit's whole series in the 2025 view.
with

crosswalk as (
    select * from {{ ref('stg_reference__org_unit_crosswalk') }}
)

select
    legacy_unit_code,
    new_unit_code,
    is_default_successor,
    split_count
from crosswalk
