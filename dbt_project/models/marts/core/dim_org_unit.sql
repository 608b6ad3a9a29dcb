select * from {{ ref('int_org_units_with_province') }}
