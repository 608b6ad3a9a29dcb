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
        periods.period_end,
        periods.period_year,
        month(periods.period_end) as end_month
    from current_values
    inner join periods
        on current_values.period_code = periods.period_code
    inner join additive_indicators
        on current_values.indicator_code = additive_indicators.indicator_code
    {% if is_incremental() %}
        where periods.period_year in (select period_year from changed_years)
    {% endif %}
),

{# The longer periods derived over time, each with the parts it can be derived from in
    order of preference (the shortest first): suffix of its code, the month it ends in,
    and for each part kind the test that a part of that kind lies in it and how many it
    takes. #}
{% set wholes = [
    {'name': 'q1', 'suffix': "'-Q1'", 'end_month': 3, 'parts': [
        ('month', "(end_month + 2) // 3 = 1", 3)]},
    {'name': 'q2', 'suffix': "'-Q2'", 'end_month': 6, 'parts': [
        ('month', "(end_month + 2) // 3 = 2", 3)]},
    {'name': 'q3', 'suffix': "'-Q3'", 'end_month': 9, 'parts': [
        ('month', "(end_month + 2) // 3 = 3", 3)]},
    {'name': 'q4', 'suffix': "'-Q4'", 'end_month': 12, 'parts': [
        ('month', "(end_month + 2) // 3 = 4", 3)]},
    {'name': 'h1', 'suffix': "'-H1'", 'end_month': 6, 'parts': [
        ('month', "end_month <= 6", 6), ('quarter', "end_month <= 6", 2)]},
    {'name': 'h2', 'suffix': "'-H2'", 'end_month': 12, 'parts': [
        ('month', "end_month > 6", 6), ('quarter', "end_month > 6", 2)]},
    {'name': 'y', 'suffix': "''", 'end_month': 12, 'parts': [
        ('month', "true", 12), ('quarter', "true", 4), ('half', "true", 2)]},
] %}
{% set months_of = {'month': 1, 'quarter': 3, 'half': 6} %}

-- Each unit's months, quarters and halves of a year side by side, one row per unit ×
-- indicator × disaggregation × year: for every longer period of the year and kind of
-- part, how many parts it has, their sum, and the part that ends on its last day. One
-- pass over the parts, grouped on a quarter of the keys the containing periods would need.
parts_by_year as (
    select
        unit_code,
        indicator_code,
        disaggregation,
        period_year,
        {%- for whole in wholes %}
            {%- for kind, lies_in, needed in whole.parts %}
                {%- set part = "part_months = " ~ months_of[kind] ~ " and " ~ lies_in %}
                {%- set last = part ~ " and end_month = " ~ whole.end_month %}
                {%- set prefix = whole.name ~ '_' ~ kind %}
                count(*) filter (where {{ part }}) as {{ prefix }}_count,
                sum(value) filter (where {{ part }}) as {{ prefix }}_sum,
                sum(value_whole) filter (where {{ part }}) as {{ prefix }}_whole_sum,
                count(*) filter (where {{ last }}) as {{ prefix }}_last_count,
                max(value) filter (where {{ last }}) as {{ prefix }}_last,
                max(value_whole) filter (where {{ last }}) as {{ prefix }}_whole_last,
            {%- endfor %}
        {%- endfor %}
        any_value(adds_over_time) as adds_over_time
    from (
        -- The part's kind as a number: compared once per aggregate, cheaper than text.
        select
            *,
            case period_kind when 'month' then 1 when 'quarter' then 3 else 6 end
                as part_months
        from submitted_additive
        where period_kind in ('month', 'quarter', 'half')
    ) as parts
    group by unit_code, indicator_code, disaggregation, period_year
),

-- Each longer period from the shortest kind of part that covers it: flows add, only when
-- every part was sent; stocks and parts of a whole take the part that ends on its last day.
derived_by_year as (
    select
        unit_code,
        indicator_code,
        disaggregation,
        unnest([
            {%- for whole in wholes %}
                struct_pack(
                    period_code := period_year::varchar || {{ whole.suffix }},
                    derived_from := case
                        {%- for kind, lies_in, needed in whole.parts %}
                            {%- set prefix = whole.name ~ '_' ~ kind %}
                            when
                                (adds_over_time and {{ prefix }}_count = {{ needed }})
                                or (not adds_over_time and {{ prefix }}_last_count = 1)
                                then '{{ kind }}'
                        {%- endfor %}
                    end,
                    value := case
                        {%- for kind, lies_in, needed in whole.parts %}
                            {%- set prefix = whole.name ~ '_' ~ kind %}
                            when adds_over_time and {{ prefix }}_count = {{ needed }}
                                then {{ prefix }}_sum
                            when not adds_over_time and {{ prefix }}_last_count = 1
                                then {{ prefix }}_last
                        {%- endfor %}
                    end,
                    value_whole := case
                        {%- for kind, lies_in, needed in whole.parts %}
                            {%- set prefix = whole.name ~ '_' ~ kind %}
                            when adds_over_time and {{ prefix }}_count = {{ needed }}
                                then {{ prefix }}_whole_sum
                            when not adds_over_time and {{ prefix }}_last_count = 1
                                then {{ prefix }}_whole_last
                        {%- endfor %}
                    end
                ){{ ',' if not loop.last }}
            {%- endfor %}
        ]) as whole
    from parts_by_year
),

time_derived as (
    select
        unit_code,
        whole.period_code,
        indicator_code,
        disaggregation,
        whole.value,
        whole.value_whole,
        whole.derived_from
    from derived_by_year
    where whole.derived_from is not null
),

-- A period the unit sent itself is never replaced by a derived one; only its quarters,
-- halves and years can meet one.
sent_longer as (
    select
        unit_code,
        period_code,
        indicator_code,
        disaggregation
    from submitted_additive
    where period_kind in ('quarter', 'half', 'year')
),

chosen as (
    select
        unit_code,
        period_code,
        indicator_code,
        disaggregation,
        value,
        value_whole,
        'sent' as derived_from
    from submitted_additive
    union all
    select
        time_derived.unit_code,
        time_derived.period_code,
        time_derived.indicator_code,
        time_derived.disaggregation,
        time_derived.value,
        time_derived.value_whole,
        time_derived.derived_from
    from time_derived
    anti join sent_longer
        on time_derived.unit_code = sent_longer.unit_code
            and time_derived.period_code = sent_longer.period_code
            and time_derived.indicator_code = sent_longer.indicator_code
            and time_derived.disaggregation = sent_longer.disaggregation
),

final as (
    select
        chosen.unit_code,
        org_units.unit_level,
        org_units.parent_unit_code,
        chosen.period_code,
        periods.period_kind,
        periods.period_end,
        chosen.indicator_code,
        chosen.disaggregation,
        chosen.value,
        chosen.value_whole,
        chosen.derived_from,
        {{ current_change_batch() }} as change_batch
    from chosen
    inner join org_units
        on chosen.unit_code = org_units.unit_code
    inner join periods
        on chosen.period_code = periods.period_code
)

select * from final
