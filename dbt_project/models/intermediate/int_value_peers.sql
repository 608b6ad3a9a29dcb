{{ config(
    materialized='incremental',
    incremental_strategy='replace_changed',
    changed_scope='periods',
) }}
-- depends_on: {{ ref('int_changed_reports') }}
-- Each submitted value of an indicator the catalogue compares per something (compare_per:
-- trust loans per borrowing household, money per member), divided by that figure of the
-- same unit and period, against its peers: the units of the same level, indicator,
-- disaggregation and period. Judged on log10 of the ratio (money per member spreads over
-- orders of magnitude), by the modified z-score over the peers (macros/modified_z.sql).
-- The cross-section rules of the quality gate read it (expectations/frames.py); how many
-- peers are enough and what is far are theirs (expectations/suites.py). Incremental by
-- period: a night rebuilds the periods its changed reports touched, every unit of them.
with

periods as (
    select period_code from {{ ref('int_periods') }}
    {% if is_incremental() %}
        where period_code in (select period_code from ({{ changed_periods() }}))
    {% endif %}
),

indicators as (
    select
        indicator_code,
        compare_per_indicator_code
    from {{ ref('stg_reference__indicators') }}
    where compare_per_indicator_code is not null
),

units as (
    select
        unit_code,
        unit_level
    from {{ ref('stg_reference__org_units') }}
),

current_values as (
    select
        current_values.unit_code,
        current_values.period_code,
        current_values.indicator_code,
        coalesce(current_values.disaggregation, 'total') as disaggregation,
        try_cast(current_values.value as double) as value,
        current_values.submission_id,
        current_values.file_name,
        current_values.source_row_number,
        current_values.received_at
    from {{ ref('int_values_latest_revision') }} as current_values
    inner join periods on current_values.period_code = periods.period_code
),

compared as (
    select
        current_values.*,
        indicators.compare_per_indicator_code as per_indicator_code
    from current_values
    inner join indicators on current_values.indicator_code = indicators.indicator_code
),

per_figure as (
    select
        compared.*,
        denominators.value as per_value,
        units.unit_level,
        compared.value / denominators.value as per_unit,
        log10(compared.value / denominators.value) as log10_per_unit
    from compared
    inner join current_values as denominators
        on compared.unit_code = denominators.unit_code
            and compared.period_code = denominators.period_code
            and compared.per_indicator_code = denominators.indicator_code
            and denominators.disaggregation = 'total'
    left join units on compared.unit_code = units.unit_code
    where compared.value > 0 and denominators.value > 0
),

centred as (
    select
        *,
        count(*) over peers as peer_count,
        median(log10_per_unit) over peers as peer_median_log10
    from per_figure
    window peers as (partition by unit_level, indicator_code, disaggregation, period_code)
),

spread as (
    select
        *,
        abs(log10_per_unit - peer_median_log10) as peer_deviation,
        median(abs(log10_per_unit - peer_median_log10)) over peers as peer_mad,
        avg(abs(log10_per_unit - peer_median_log10)) over peers as peer_mean_ad
    from centred
    window peers as (partition by unit_level, indicator_code, disaggregation, period_code)
),

final as (
    select
        unit_code,
        unit_level,
        period_code,
        indicator_code,
        disaggregation,
        value,
        per_indicator_code,
        per_value,
        per_unit,
        log10_per_unit,
        submission_id,
        file_name,
        source_row_number,
        received_at,
        peer_count,
        peer_median_log10,
        peer_mad,
        peer_mean_ad,
        {{ modified_z('peer_deviation', 'peer_mad', 'peer_mean_ad', 'peer_median_log10') }}
            as modified_z,
        {{ current_change_batch() }} as change_batch
    from spread
)

select * from final
