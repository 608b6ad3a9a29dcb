{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook=["{{ refresh_changed_years() }}", "{{ delete_changed_years() }}"],
    post_hook=["{{ save_year_fingerprints() }}"],
) }}
-- The current values rolled up over time and over the hierarchy, each indicator by its
-- catalogue rule, in two border views (docs/warehouse.md, "Roll-up rules"):
--   own_time: every unit as it existed; 2025: legacy units restated into the 2025 unit
--   that absorbed them (a split unit goes whole to its default successor).
-- Over time: flows add (a quarter, half or year only when every month or quarter of it was
-- sent), stocks and parts of a whole take the period-end value; a period the unit sent
-- itself is never replaced by a derived one. Over units: flows and stocks add, parts of a
-- whole add part and whole separately, ratios are recomputed from numerator and
-- denominator at every level and never averaged; indicators with hierarchy rule 'none'
-- (targets) stay with their unit.
with

current_values as (
    select * from {{ ref('int_values_latest_revision') }}
),

periods as (
    select * from {{ ref('int_periods') }}
),

org_units as (
    select * from {{ ref('int_org_units_with_province') }}
),

crosswalk as (
    select * from {{ ref('stg_reference__org_unit_crosswalk') }}
),

indicators as (
    select * from {{ ref('stg_reference__indicators') }}
),

{% if is_incremental() %}
    changed_years as (
        select * from {{ changed_years_relation() }}
    ),
{% endif %}

additive_indicators as (
    select
        indicator_code,
        time_aggregation = 'sum' as adds_over_time,
        hierarchy_aggregation in ('sum', 'recompute') as adds_over_units
    from indicators
    where indicator_kind in ('stock', 'flow', 'part_of_whole')
),

ratio_indicators as (
    select
        indicator_code,
        numerator_indicator_code,
        denominator_indicator_code,
        case when unit_of_measure = 'percent' then 100.0 else 1.0 end as scale
    from indicators
    where indicator_kind = 'ratio'
),

submitted as (
    select
        current_values.unit_code,
        current_values.period_code,
        current_values.indicator_code,
        current_values.disaggregation,
        current_values.value,
        current_values.value_whole,
        periods.period_kind,
        periods.period_start,
        periods.period_end,
        periods.quarter_code,
        periods.half_code,
        periods.year_code
    from current_values
    inner join periods
        on current_values.period_code = periods.period_code
    {% if is_incremental() %}
        where periods.period_year in (select period_year from changed_years)
    {% endif %}
),

submitted_additive as (
    select
        submitted.*,
        additive_indicators.adds_over_time
    from submitted
    inner join additive_indicators
        on submitted.indicator_code = additive_indicators.indicator_code
),

-- Over time: each month, quarter or half a unit sent, placed in the longer periods of the
-- same year that contain it (an equality join on the containing period's code).
part_in_whole as (
    select
        *,
        unnest([quarter_code, half_code, year_code]) as whole_period_code
    from submitted_additive
    where period_kind in ('month', 'quarter', 'half')
),

time_parts as (
    select
        part.unit_code,
        part.indicator_code,
        part.disaggregation,
        part.adds_over_time,
        part.period_kind as part_kind,
        part.period_end as part_end,
        part.value,
        part.value_whole,
        whole.period_code,
        whole.period_end,
        datediff('month', whole.period_start, whole.period_end + 1)
        // datediff('month', part.period_start, part.period_end + 1) as parts_needed
    from part_in_whole as part
    inner join periods as whole
        on part.whole_period_code = whole.period_code
),

time_derived as (
    select
        unit_code,
        period_code,
        indicator_code,
        disaggregation,
        part_kind,
        case
            when any_value(adds_over_time) then sum(value)
            else max(value) filter (where part_end = period_end)
        end as value,
        case
            when any_value(adds_over_time) then sum(value_whole)
            else max(value_whole) filter (where part_end = period_end)
        end as value_whole
    from time_parts
    group by unit_code, period_code, indicator_code, disaggregation, part_kind
    having
        (any_value(adds_over_time) and count(*) = any_value(parts_needed))
        or (not any_value(adds_over_time) and count(*) filter (where part_end = period_end) = 1)
),

-- A period the unit sent itself wins; else the derivation from its shortest periods.
own_candidates as (
    select
        unit_code,
        period_code,
        indicator_code,
        disaggregation,
        value,
        value_whole,
        0 as preference
    from submitted_additive
    union all
    select
        unit_code,
        period_code,
        indicator_code,
        disaggregation,
        value,
        value_whole,
        case part_kind when 'month' then 1 when 'quarter' then 2 else 3 end as preference
    from time_derived
),

own_ranked as (
    select
        *,
        row_number() over (
            partition by unit_code, period_code, indicator_code, disaggregation
            order by preference
        ) as candidate_rank
    from own_candidates
),

own_values as (
    select
        own_ranked.unit_code,
        org_units.unit_level,
        own_ranked.period_code,
        own_ranked.indicator_code,
        own_ranked.disaggregation,
        own_ranked.value,
        own_ranked.value_whole
    from own_ranked
    inner join org_units
        on own_ranked.unit_code = org_units.unit_code
    where own_ranked.candidate_rank = 1
),

-- Over units, in the borders of the time: commune → district (until June 2025) → province
-- → central.
{{ roll_up_level('commune', []) }},

{{ roll_up_level('district', ['level_commune']) }},

{{ roll_up_level('province', ['level_commune', 'level_district']) }},

{{ roll_up_level('central', ['level_province']) }},

own_time_additive as (
    select
        'own_time' as borders,
        *
    from level_commune
    union all
    select
        'own_time' as borders,
        *
    from level_district
    union all
    select
        'own_time' as borders,
        *
    from level_province
    union all
    select
        'own_time' as borders,
        *
    from level_central
),

-- 2025 borders: each unit's figures (own, children's sum, value) go to the 2025 unit of the
-- same level that absorbed it; a split unit goes whole to its default successor. Legacy
-- districts have no 2025 counterpart: their figures live on in their province's sum of
-- children. A 2025 unit maps to itself.
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
        '2025' as borders,
        successor.unit_code,
        successor.unit_level,
        successor.parent_unit_code,
        figures.period_code,
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
        sum(figures.value_whole) as value_whole
    from own_time_additive as figures
    inner join successor_of
        on figures.unit_code = successor_of.unit_code
    inner join org_units as successor
        on successor_of.unit_code_2025 = successor.unit_code
    where figures.unit_level = successor.unit_level
    group by all
),

additive as (
    select * from own_time_additive
    union all
    select * from restated
),

-- Ratios at every level and in both border views, from the rolled-up numerator and
-- denominator; the own_time reported figure is the ratio the unit itself sent.
ratios_recomputed as (
    select
        numerator.borders,
        numerator.unit_code,
        numerator.unit_level,
        numerator.period_code,
        ratio_indicators.indicator_code,
        numerator.disaggregation,
        ratio_indicators.scale * numerator.value_reported
        / nullif(denominator.value_reported, 0) as value_reported,
        ratio_indicators.scale * numerator.value_from_children
        / nullif(denominator.value_from_children, 0) as value_from_children,
        ratio_indicators.scale * numerator.value
        / nullif(denominator.value, 0) as value
    from ratio_indicators
    inner join additive as numerator
        on ratio_indicators.numerator_indicator_code = numerator.indicator_code
    inner join additive as denominator
        on ratio_indicators.denominator_indicator_code = denominator.indicator_code
            and numerator.borders = denominator.borders
            and numerator.unit_code = denominator.unit_code
            and numerator.period_code = denominator.period_code
            and numerator.disaggregation = denominator.disaggregation
),

ratios_sent as (
    select
        'own_time' as borders,
        submitted.unit_code,
        org_units.unit_level,
        submitted.period_code,
        submitted.indicator_code,
        submitted.disaggregation,
        submitted.value
    from submitted
    inner join ratio_indicators
        on submitted.indicator_code = ratio_indicators.indicator_code
    inner join org_units
        on submitted.unit_code = org_units.unit_code
),

ratios as (
    select
        coalesce(recomputed.borders, sent.borders) as borders,
        coalesce(recomputed.unit_code, sent.unit_code) as unit_code,
        coalesce(recomputed.unit_level, sent.unit_level) as unit_level,
        coalesce(recomputed.period_code, sent.period_code) as period_code,
        coalesce(recomputed.indicator_code, sent.indicator_code) as indicator_code,
        coalesce(recomputed.disaggregation, sent.disaggregation) as disaggregation,
        coalesce(recomputed.value, sent.value) as value,
        case
            when coalesce(recomputed.borders, sent.borders) = 'own_time' then sent.value
            else recomputed.value_reported
        end as value_reported,
        recomputed.value_from_children,
        cast(null as double) as value_whole
    from ratios_recomputed as recomputed
    full outer join ratios_sent as sent
        on recomputed.borders = sent.borders
            and recomputed.unit_code = sent.unit_code
            and recomputed.period_code = sent.period_code
            and recomputed.indicator_code = sent.indicator_code
            and recomputed.disaggregation = sent.disaggregation
),

all_rows as (
    select
        borders,
        unit_code,
        unit_level,
        period_code,
        indicator_code,
        disaggregation,
        value,
        value_reported,
        value_from_children,
        value_whole
    from additive
    union all
    select
        borders,
        unit_code,
        unit_level,
        period_code,
        indicator_code,
        disaggregation,
        value,
        value_reported,
        value_from_children,
        value_whole
    from ratios
),

final as (
    select
        all_rows.borders,
        all_rows.unit_code,
        all_rows.unit_level,
        all_rows.period_code,
        periods.period_kind,
        periods.period_end,
        all_rows.indicator_code,
        all_rows.disaggregation,
        all_rows.value,
        all_rows.value_reported,
        all_rows.value_from_children,
        all_rows.value_reported - all_rows.value_from_children as difference,
        all_rows.value_whole
    from all_rows
    inner join periods
        on all_rows.period_code = periods.period_code
)

select * from final
