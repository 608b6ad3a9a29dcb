{#- Incremental value models rebuild whole reports: every unit × period × form whose current
    revision (int_report_revisions) differs from the one the model was built from, including
    a report whose only accepted submission a steward has since rejected. The hooks keep the
    changed keys in a work table beside the model and delete their rows; the table stays
    until the model's next run so that its data tests check only the rebuilt rows
    (macros/rebuilt_rows.sql), and a full build drops it. `form` is set for the
    per-subject facts, which have no form column. -#}

{% macro changed_reports_relation() -%}
    {{ this.schema }}."{{ this.identifier }}__changed_reports"
{%- endmacro %}

{% macro refresh_changed_reports(form=none) %}
    {% if not is_incremental() %}
drop table if exists {{ changed_reports_relation() }}
    {% else %}
create or replace table {{ changed_reports_relation() }} as
with

current_reports as (
    select
        unit_code,
        period_code,
        form,
        current_submission_id as submission_id
    from {{ ref('int_report_revisions') }}
    where current_submission_id is not null
    {% if form %}and form = '{{ form }}'{% endif %}
),

built_reports as (
    select distinct
        unit_code,
        period_code,
        {% if form %}'{{ form }}' as form,{% else %}form,{% endif %}
        submission_id
    from {{ this }}
)

select
    coalesce(current_reports.unit_code, built_reports.unit_code) as unit_code,
    coalesce(current_reports.period_code, built_reports.period_code) as period_code,
    coalesce(current_reports.form, built_reports.form) as form
from current_reports
full outer join built_reports
    on current_reports.unit_code = built_reports.unit_code
    and current_reports.period_code = built_reports.period_code
    and current_reports.form = built_reports.form
where current_reports.submission_id is distinct from built_reports.submission_id
{% endif %}
{% endmacro %}

{% macro delete_changed_reports(form=none) %}
    {% if is_incremental() %}
delete from {{ this }} as built
using {{ changed_reports_relation() }} as changed
where built.unit_code = changed.unit_code
    and built.period_code = changed.period_code
    {% if not form %}and built.form = changed.form{% endif %}
    {% endif %}
{% endmacro %}
