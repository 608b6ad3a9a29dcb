{{ config(
    materialized='incremental',
    incremental_strategy='replace_changed',
    changed_scope='years',
) }}
-- depends_on: {{ ref('int_changed_reports') }}
-- The own figures of int_values_over_time rolled up over the hierarchy in the borders of
-- their time (commune → district until June 2025 → province → central): flows and stocks
-- add, parts of a whole add part and whole separately, indicators with hierarchy rule
-- 'none' stay with their unit. A unit's own figure and its children's sum are both kept,
-- with how many of the children the reporting calendar expects reported (contract I4).
-- Incremental by calendar year.
with

{% if is_incremental() %}
    changed_years as (
        {{ changed_years() }}
    ),
{% endif %}

own_values as (
    select * from {{ ref('int_values_over_time') }}
    {% if is_incremental() %}
        where year(period_end) in (select period_year from changed_years)
    {% endif %}
),

periods as (
    select * from {{ ref('int_periods') }}
),

org_units as (
    select * from {{ ref('int_org_units_with_province') }}
),

indicators as (
    select * from {{ ref('stg_reference__indicators') }}
),

calendar as (
    select * from {{ ref('stg_reference__reporting_calendar') }}
),

additive_indicators as (
    select
        indicator_code,
        subject_area as form,
        hierarchy_aggregation in ('sum', 'recompute') as adds_over_units
    from indicators
    where indicator_kind in ('stock', 'flow', 'part_of_whole')
),

periods_in_scope as (
    select
        periods.period_code,
        periods.period_start,
        periods.period_end,
        {{ months_in_period('periods.period_kind') }} as period_months
    from periods
    semi join own_values
        on periods.period_code = own_values.period_code
),

-- A unit is expected to have a figure of a form for a period when it exists on the
-- period's last day and the calendar asks its level, or a level below it, for that form
-- at the period's frequency or a shorter one (a province's month is expected once its
-- communes send months).
expected_units as (
    select distinct
        org_units.unit_code,
        org_units.parent_unit_code,
        scope.period_code,
        calendar.form
    from periods_in_scope as scope
    inner join calendar
        on scope.period_start >= calendar.expected_from
            and scope.period_months >= {{ months_in_period('calendar.period_kind') }}
    inner join org_units
        on {{ level_rank('calendar.unit_level') }} <= {{ level_rank('org_units.unit_level') }}
            and (org_units.valid_from is null or scope.period_end >= org_units.valid_from)
            and (org_units.valid_to is null or scope.period_end <= org_units.valid_to)
),

expected_children as (
    select
        parent_unit_code as unit_code,
        period_code,
        form,
        count(*) as children_expected
    from expected_units
    where parent_unit_code is not null
    group by all
),

{{ roll_up_level('commune', []) }},

{{ roll_up_level('district', ['level_commune']) }},

{{ roll_up_level('province', ['level_commune', 'level_district']) }},

{{ roll_up_level('central', ['level_province']) }},

all_levels as (
    select * from level_commune
    union all
    select * from level_district
    union all
    select * from level_province
    union all
    select * from level_central
),

final as (
    select
        'own_time' as borders,
        all_levels.unit_code,
        all_levels.unit_level,
        all_levels.period_code,
        periods.period_kind,
        periods.period_end,
        all_levels.indicator_code,
        all_levels.disaggregation,
        all_levels.value,
        all_levels.value_reported,
        all_levels.value_from_children,
        all_levels.value_whole,
        all_levels.whole_reported,
        all_levels.whole_from_children,
        all_levels.value_source,
        all_levels.children_reporting,
        all_levels.children_expected,
        all_levels.coverage,
        all_levels.is_below_coverage,
        {{ current_change_batch() }} as change_batch
    from all_levels
    inner join periods
        on all_levels.period_code = periods.period_code
)

select * from final
