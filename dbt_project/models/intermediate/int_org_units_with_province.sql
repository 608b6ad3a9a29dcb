-- Each unit with the province it belongs to, walking up at most two levels
-- (commune → district → province); a province is its own province.
with

org_units as (
    select * from {{ ref('stg_reference__org_units') }}
),

with_ancestors as (
    select
        unit.*,
        parent.unit_level as parent_level,
        grandparent.unit_code as grandparent_code,
        grandparent.unit_level as grandparent_level
    from org_units as unit
    left join org_units as parent on unit.parent_unit_code = parent.unit_code
    left join org_units as grandparent on parent.parent_unit_code = grandparent.unit_code
)

select
    unit_code,
    gso_code,
    unit_name_vi,
    unit_short_name_vi,
    unit_level,
    parent_unit_code,
    successor_unit_code,
    valid_from,
    valid_to,
    case
        when unit_level = 'province' then unit_code
        when parent_level = 'province' then parent_unit_code
        when grandparent_level = 'province' then grandparent_code
    end as province_code
from with_ancestors
