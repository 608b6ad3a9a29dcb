-- Congress-term targets (chỉ tiêu nhiệm kỳ) and their achievement, from the current values of
-- the targets form. One row per unit × period × target: target_code 'all' carries the count
-- of targets met ("8/8", "9/11"), a named target (disaggregation target:<code>) its planned
-- value, result and achievement ("đạt 195%"). Achievement is recomputed from its parts when
-- both were sent, else the percentage as written.
with

target_values as (
    select * from {{ ref('int_values_latest_revision') }}
    where form = 'targets'
),

pivoted as (
    select
        unit_code,
        period_code,
        case
            when disaggregation = 'total' then 'all'
            else replace(disaggregation, 'target:', '')
        end as target_code,
        max(value) filter (where indicator_code = 'target_set') as targets_set_sent,
        max(value) filter (where indicator_code = 'target_achieved') as targets_achieved,
        max(value_whole) filter (
            where indicator_code = 'target_achieved'
        ) as targets_achieved_of,
        max(value) filter (where indicator_code = 'target_exceeded') as targets_exceeded,
        max(value) filter (where indicator_code = 'target_not_met') as targets_not_met,
        max(value) filter (
            where indicator_code = 'target_achieved_share'
        ) as achieved_share_pct_sent,
        max(value) filter (where indicator_code = 'target_value') as target_value,
        max(value) filter (where indicator_code = 'target_result') as target_result,
        max(value) filter (
            where indicator_code = 'target_achievement_pct'
        ) as achievement_pct_sent,
        max(submission_id) as submission_id
    from target_values
    group by all
),

final as (
    select
        unit_code,
        period_code,
        target_code,
        coalesce(targets_set_sent, targets_achieved_of) as targets_set,
        targets_achieved,
        targets_exceeded,
        targets_not_met,
        coalesce(
            100.0 * targets_achieved / nullif(coalesce(targets_set_sent, targets_achieved_of), 0),
            achieved_share_pct_sent
        ) as targets_achieved_pct,
        target_value,
        target_result,
        coalesce(100.0 * target_result / nullif(target_value, 0), achievement_pct_sent)
            as achievement_pct,
        coalesce(100.0 * target_result / nullif(target_value, 0), achievement_pct_sent) >= 100
            as is_target_met,
        submission_id
    from pivoted
)

select * from final
