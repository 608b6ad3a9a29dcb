-- Every union unit with its level, parent and validity, where it went in the 2025 merger
-- (its default successor and that successor's province) and its province's emulation
-- cluster (cụm thi đua).
with

org_units as (
    select * from {{ ref('int_org_units_with_province') }}
),

crosswalk as (
    select * from {{ ref('stg_reference__org_unit_crosswalk') }}
),

clusters as (
    select * from {{ ref('emulation_clusters') }}
),

split_counts as (
    select
        legacy_unit_code,
        max(split_count) as successor_count
    from crosswalk
    group by legacy_unit_code
),

with_2025 as (
    select
        org_units.*,
        case
            when org_units.valid_to is null then org_units.unit_code
            else org_units.successor_unit_code
        end as unit_code_2025,
        split_counts.successor_count
    from org_units
    left join split_counts
        on org_units.unit_code = split_counts.legacy_unit_code
),

final as (
    select
        with_2025.unit_code,
        with_2025.gso_code,
        with_2025.unit_name_vi,
        with_2025.unit_short_name_vi,
        with_2025.unit_level,
        case with_2025.unit_level
            when 'central' then 'Trung ương Hội'
            when 'province' then 'Cấp tỉnh'
            when 'district' then 'Cấp huyện'
            when 'commune' then 'Cấp cơ sở'
        end as unit_level_vi,
        with_2025.parent_unit_code,
        parent.unit_name_vi as parent_unit_name_vi,
        with_2025.valid_from,
        with_2025.valid_to,
        case
            when with_2025.valid_to is not null then 'legacy'
            when with_2025.valid_from is not null then '2025'
            else 'permanent'
        end as unit_era,
        with_2025.province_code,
        with_2025.successor_unit_code,
        coalesce(with_2025.successor_count, 0) as successor_count,
        with_2025.unit_code_2025,
        successor.province_code as province_code_2025,
        clusters.cluster_code,
        clusters.cluster_name_vi,
        clusters.cluster_name_en
    from with_2025
    left join org_units as successor
        on with_2025.unit_code_2025 = successor.unit_code
    left join org_units as parent
        on with_2025.parent_unit_code = parent.unit_code
    left join clusters
        on with_2025.province_code = clusters.unit_code
)

select * from final
