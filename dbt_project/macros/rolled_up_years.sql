{#- The roll-ups are rebuilt by calendar year: every roll-up row depends only on values whose
    period ends in the same year (months, quarters and halves roll up within their year;
    terms and "as of" dates are not derived over time). A year is rebuilt when the set of
    current reports ending in it changed since the last build: a fingerprint of the year's
    (unit, period, form, current submission) is kept beside the model. A change of the
    reference data (catalogue, units, crosswalk) needs `dbt build --full-refresh`. The changed years stay
    beside the model until its next run: its data tests check only those years
    (macros/rebuilt_rows.sql); a full build drops them. -#}

{% macro year_fingerprints_relation() -%}
    {{ this.schema }}."{{ this.identifier }}__year_fingerprints"
{%- endmacro %}

{% macro changed_years_relation() -%}
    {{ this.schema }}."{{ this.identifier }}__changed_years"
{%- endmacro %}

{% macro current_year_fingerprints() %}
select
    periods.period_year,
    bit_xor(hash(
        reports.unit_code, reports.period_code, reports.form, reports.current_submission_id
    )) as fingerprint,
    count(*) as report_count
from {{ ref('int_report_revisions') }} as reports
inner join {{ ref('int_periods') }} as periods
    on reports.period_code = periods.period_code
where reports.current_submission_id is not null
group by periods.period_year
{% endmacro %}

{% macro refresh_changed_years() %}
    {% if not is_incremental() %}
drop table if exists {{ changed_years_relation() }}
    {% else %}
create or replace table {{ changed_years_relation() }} as
with

current_years as (
    {{ current_year_fingerprints() }}
),

built_years as (
    select * from {{ year_fingerprints_relation() }}
)

select coalesce(current_years.period_year, built_years.period_year) as period_year
from current_years
full outer join built_years
    on current_years.period_year = built_years.period_year
where current_years.fingerprint is distinct from built_years.fingerprint
    or current_years.report_count is distinct from built_years.report_count
{% endif %}
{% endmacro %}

{% macro delete_changed_years() %}
    {% if is_incremental() %}
delete from {{ this }}
where year(period_end) in (select period_year from {{ changed_years_relation() }})
{% endif %}
{% endmacro %}

{% macro save_year_fingerprints() %}
create or replace table {{ year_fingerprints_relation() }} as
{{ current_year_fingerprints() }}
{% endmacro %}
