{{ config(
    materialized='incremental',
    incremental_strategy='replace_changed',
    changed_scope='years',
) }}
-- depends_on: {{ ref('int_changed_reports') }}
-- Ratios at every level and in both border views, recomputed from the rolled-up numerator
-- and denominator (scale × numerator / denominator, scale 100 for percentages), never
-- averaged. In own-time borders value_reported is the ratio the unit itself sent. A ratio
-- is derived, and below coverage, when its numerator or denominator is. Incremental by
-- calendar year.
with

{% if is_incremental() %}
    changed_years as (
        {{ changed_years() }}
    ),
{% endif %}

indicators as (
    select * from {{ ref('stg_reference__indicators') }}
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

-- Only the figures a ratio is computed from: the join below then hashes a few indicators'
-- rows, not every additive figure.
ratio_terms as (
    select numerator_indicator_code as indicator_code from ratio_indicators
    union
    select denominator_indicator_code as indicator_code from ratio_indicators
),

additive as (
    select * from {{ ref('int_values_over_units') }}
    where
        indicator_code in (select indicator_code from ratio_terms)
        {% if is_incremental() %}
            and year(period_end) in (select period_year from changed_years)
        {% endif %}
    union all
    select * from {{ ref('int_values_restated_2025') }}
    where
        indicator_code in (select indicator_code from ratio_terms)
        {% if is_incremental() %}
            and year(period_end) in (select period_year from changed_years)
        {% endif %}
),

current_values as (
    select * from {{ ref('int_values_latest_revision') }}
),

periods as (
    select * from {{ ref('int_periods') }}
),

org_units as (
    select * from {{ ref('int_org_units_with_province') }}
),

recomputed as (
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
        / nullif(denominator.value, 0) as value,
        case
            when numerator.value_source = 'derived' or denominator.value_source = 'derived'
                then 'derived'
            else 'reported'
        end as value_source,
        least(numerator.children_reporting, denominator.children_reporting)
            as children_reporting,
        greatest(numerator.children_expected, denominator.children_expected)
            as children_expected,
        numerator.is_below_coverage or denominator.is_below_coverage as is_below_coverage
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

sent as (
    select
        'own_time' as borders,
        current_values.unit_code,
        org_units.unit_level,
        current_values.period_code,
        current_values.indicator_code,
        current_values.disaggregation,
        current_values.value
    from current_values
    inner join ratio_indicators
        on current_values.indicator_code = ratio_indicators.indicator_code
    inner join org_units
        on current_values.unit_code = org_units.unit_code
    inner join periods
        on current_values.period_code = periods.period_code
    {% if is_incremental() %}
        where periods.period_year in (select period_year from changed_years)
    {% endif %}
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
        -- A ratio the unit sent, with nothing to recompute it from, is its own figure.
        coalesce(recomputed.value_source, 'reported') as value_source,
        coalesce(recomputed.children_reporting, 0) as children_reporting,
        coalesce(recomputed.children_expected, 0) as children_expected,
        coalesce(recomputed.is_below_coverage, false) as is_below_coverage
    from recomputed
    full outer join sent
        on recomputed.borders = sent.borders
            and recomputed.unit_code = sent.unit_code
            and recomputed.period_code = sent.period_code
            and recomputed.indicator_code = sent.indicator_code
            and recomputed.disaggregation = sent.disaggregation
),

final as (
    select
        ratios.borders,
        ratios.unit_code,
        ratios.unit_level,
        ratios.period_code,
        periods.period_kind,
        periods.period_end,
        ratios.indicator_code,
        ratios.disaggregation,
        ratios.value,
        ratios.value_reported,
        ratios.value_from_children,
        cast(null as double) as value_whole,
        cast(null as double) as whole_reported,
        cast(null as double) as whole_from_children,
        ratios.value_source,
        ratios.children_reporting,
        ratios.children_expected,
        case
            when ratios.value_source = 'derived'
                then ratios.children_reporting / nullif(ratios.children_expected, 0)
        end as coverage,
        ratios.value_source = 'derived' and ratios.is_below_coverage as is_below_coverage,
        {{ current_change_batch() }} as change_batch
    from ratios
    inner join periods
        on ratios.period_code = periods.period_code
)

select * from final
