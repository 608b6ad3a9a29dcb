{{ config(
    materialized='incremental',
    incremental_strategy='replace_changed',
    changed_scope='years',
) }}
-- depends_on: {{ ref('int_changed_reports') }}
-- Each unit's own figures of the indicators that add up (stocks, flows, parts of a whole):
-- the periods it sent, and the quarters, halves and years derived over time from its own
-- months, quarters or halves within the calendar year (docs/warehouse.md, "Roll-up
-- rules"). Flows add, only when every part was sent; stocks and parts of a whole take the
-- part that ends on the period's last day. A period the unit sent itself is never
-- replaced by a derived one; among derivations the shortest parts win. Incremental by
-- calendar year.
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

indicators as (
    select * from {{ ref('stg_reference__indicators') }}
),

{% if is_incremental() %}
    changed_years as (
        {{ changed_years() }}
    ),
{% endif %}

additive_indicators as (
    select
        indicator_code,
        time_aggregation = 'sum' as adds_over_time
    from indicators
    where indicator_kind in ('stock', 'flow', 'part_of_whole')
),

submitted_additive as (
    select
        current_values.unit_code,
        current_values.period_code,
        current_values.indicator_code,
        current_values.disaggregation,
        current_values.value,
        current_values.value_whole,
        additive_indicators.adds_over_time,
        periods.period_kind,
        periods.period_start,
        periods.period_end,
        periods.quarter_code,
        periods.half_code,
        periods.year_code
    from current_values
    inner join periods
        on current_values.period_code = periods.period_code
    inner join additive_indicators
        on current_values.indicator_code = additive_indicators.indicator_code
    {% if is_incremental() %}
        where periods.period_year in (select period_year from changed_years)
    {% endif %}
),

-- Each month, quarter or half a unit sent, placed in the longer periods of the same year
-- that contain it (an equality join on the containing period's code).
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

candidates as (
    select
        unit_code,
        period_code,
        indicator_code,
        disaggregation,
        value,
        value_whole,
        'sent' as derived_from,
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
        part_kind as derived_from,
        case part_kind when 'month' then 1 when 'quarter' then 2 else 3 end as preference
    from time_derived
),

ranked as (
    select
        *,
        row_number() over (
            partition by unit_code, period_code, indicator_code, disaggregation
            order by preference
        ) as candidate_rank
    from candidates
),

final as (
    select
        ranked.unit_code,
        org_units.unit_level,
        org_units.parent_unit_code,
        ranked.period_code,
        periods.period_kind,
        periods.period_end,
        ranked.indicator_code,
        ranked.disaggregation,
        ranked.value,
        ranked.value_whole,
        ranked.derived_from,
        {{ current_change_batch() }} as change_batch
    from ranked
    inner join org_units
        on ranked.unit_code = org_units.unit_code
    inner join periods
        on ranked.period_code = periods.period_code
    where ranked.candidate_rank = 1
)

select * from final
