{{ config(
    materialized='incremental',
    incremental_strategy='replace_changed',
    changed_scope='years',
) }}
-- depends_on: {{ ref('int_changed_reports') }}, {{ ref('int_periods') }}
-- The own-time roll-ups restated into the 2025 map (docs/warehouse.md, "Restatement into
-- 2025 borders"): each unit's figures (own, children's sum, value) go to the 2025 unit of
-- the same level that absorbed it; a split unit goes whole to its default successor.
-- Legacy districts have no 2025 counterpart: their figures live on in their province's
-- sum of children. A 2025 unit maps to itself. Incremental by calendar year.
with

{% if is_incremental() %}
    changed_years as (
        {{ changed_years() }}
    ),
{% endif %}

own_time as (
    select * from {{ ref('int_values_over_units') }}
    {% if is_incremental() %}
        where year(period_end) in (select period_year from changed_years)
    {% endif %}
),

org_units as (
    select * from {{ ref('int_org_units_with_province') }}
),

crosswalk as (
    select * from {{ ref('stg_reference__org_unit_crosswalk') }}
),

successor_of as (
    select
        legacy_unit_code as unit_code,
        new_unit_code as unit_code_2025
    from crosswalk
    where is_default_successor
    union all
    select
        unit_code,
        unit_code as unit_code_2025
    from org_units
    where valid_to is null
),

restated as (
    select
        successor.unit_code,
        successor.unit_level,
        figures.period_code,
        figures.period_kind,
        figures.period_end,
        figures.indicator_code,
        figures.disaggregation,
        -- A merged unit's own figure exists only when every absorbed unit sent one.
        case
            when count(figures.value_reported) = count(*) then sum(figures.value_reported)
        end as value_reported,
        sum(figures.value_from_children) as value_from_children,
        sum(figures.value) as value,
        case
            when count(figures.whole_reported) = count(*) then sum(figures.whole_reported)
        end as whole_reported,
        sum(figures.whole_from_children) as whole_from_children,
        sum(figures.value_whole) as value_whole,
        -- Coverage of the merged figure: an absorbed unit that sent its own figure counts
        -- as all its expected children reporting.
        cast(sum(
            case
                when figures.value_source = 'reported' then figures.children_expected
                else figures.children_reporting
            end
        ) as bigint) as children_reporting,
        cast(sum(figures.children_expected) as bigint) as children_expected
    from own_time as figures
    inner join successor_of
        on figures.unit_code = successor_of.unit_code
    inner join org_units as successor
        on successor_of.unit_code_2025 = successor.unit_code
    where figures.unit_level = successor.unit_level
    group by all
),

final as (
    select
        '2025' as borders,
        unit_code,
        unit_level,
        period_code,
        period_kind,
        period_end,
        indicator_code,
        disaggregation,
        value,
        value_reported,
        value_from_children,
        value_whole,
        whole_reported,
        whole_from_children,
        case when value_reported is not null then 'reported' else 'derived' end
            as value_source,
        children_reporting,
        children_expected,
        case
            when value_reported is null
                then children_reporting / nullif(children_expected, 0)
        end as coverage,
        value_reported is null
        and coalesce(
            children_reporting < {{ coverage_threshold() }} * nullif(children_expected, 0),
            true
        ) as is_below_coverage,
        {{ current_change_batch() }} as change_batch
    from restated
)

select * from final
