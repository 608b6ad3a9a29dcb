-- One row per expected report (contract 4): a unit is expected to send a form for a period
-- when the reporting calendar asks its level for that frequency, the period has ended by
-- the as-of date (var reporting_as_of, default today), starts on or after the entry's
-- expected_from, and the unit exists on the period's last day. A report is received when a
-- submission not rejected or sent back by a steward brings values of that form; it is on
-- time when the first such submission arrived by the end of the deadline day.
with

calendar as (
    select * from {{ ref('stg_reference__reporting_calendar') }}
),

periods as (
    select * from {{ ref('int_periods') }}
),

org_units as (
    select * from {{ ref('int_org_units_with_province') }}
),

revisions as (
    select * from {{ ref('int_report_revisions') }}
),

as_of as (
    select
        {% if var('reporting_as_of', none) %}
            cast('{{ var("reporting_as_of") }}' as date)
        {% else %}
            current_date
        {% endif %} as as_of_date
),

expected as (
    select
        org_units.unit_code,
        org_units.unit_level,
        org_units.province_code,
        periods.period_code,
        periods.period_kind,
        periods.period_end,
        calendar.form,
        cast(periods.period_end + calendar.deadline_days as date) as deadline
    from calendar
    inner join periods
        on calendar.period_kind = periods.period_kind
            and calendar.expected_from <= periods.period_start
    inner join org_units
        on calendar.unit_level = org_units.unit_level
            and (org_units.valid_from is null or periods.period_end >= org_units.valid_from)
            and (org_units.valid_to is null or periods.period_end <= org_units.valid_to)
    cross join as_of
    where periods.period_end < as_of.as_of_date
),

final as (
    select
        expected.unit_code,
        expected.period_code,
        expected.form,
        expected.deadline,
        revisions.current_submission_id is not null as is_received,
        coalesce(
            revisions.first_received_at < cast(expected.deadline + 1 as timestamp), false
        ) as is_on_time,
        revisions.first_received_at,
        revisions.current_submission_id as latest_submission_id,
        coalesce(revisions.accepted_submission_count - 1, 0) as revision_count,
        expected.unit_level,
        expected.province_code,
        expected.period_kind,
        expected.period_end
    from expected
    left join revisions
        on expected.unit_code = revisions.unit_code
            and expected.period_code = revisions.period_code
            and expected.form = revisions.form
            and revisions.current_submission_id is not null
)

select * from final
