{#- Incrementality the DAG can see. `int_changed_reports` logs, batch by batch, every report
    (unit × period × form) a new submission or a change of a submission's review state
    touched. Each incremental model stamps the rows it writes with the batch it was built
    up to (`change_batch`); on its next run it rebuilds what the batches after its own
    newest stamp touched. A model whose run failed keeps its old stamps, so the next run
    picks its missed batches up again; rebuilding a scope twice is harmless.

    The rebuilt scope is replaced whole by the `replace_changed` incremental strategy below:
    delete the scope, insert the model's rows for it. A scope whose rows all went away (a
    report rejected or withdrawn) is deleted and gets no rows, which dbt's delete+insert,
    keyed on the new rows, cannot do. -#}

{% macro change_watermark(relation) -%}
    (select coalesce(max(change_batch), 0) from {{ relation }})
{%- endmacro %}

{% macro current_change_batch() -%}
    (select coalesce(max(change_batch), 0) from {{ ref('int_changed_reports') }})
{%- endmacro %}

{#- Reports touched since `relation` was last built; `form` restricts to one form. -#}
{% macro changed_reports(relation=this, form=none) %}
    select distinct
        unit_code,
        period_code,
        form
    from {{ ref('int_changed_reports') }}
    where change_batch > {{ change_watermark(relation) }}
    {% if form %}and form = '{{ form }}'{% endif %}
{% endmacro %}

{#- Calendar years (of the period's last day) touched since `relation` was last built: every
    roll-up row depends only on values of its own year. -#}
{% macro changed_years(relation=this) %}
    select distinct periods.period_year
    from {{ ref('int_changed_reports') }} as changes
    inner join {{ ref('int_periods') }} as periods
        on changes.period_code = periods.period_code
    where changes.change_batch > {{ change_watermark(relation) }}
{% endmacro %}

{#- Periods touched since `relation` was last built: a figure's peers are the units of its
    own period. -#}
{% macro changed_periods(relation=this) %}
    select distinct period_code
    from {{ ref('int_changed_reports') }}
    where change_batch > {{ change_watermark(relation) }}
{% endmacro %}

{#- The rows of the target the strategy replaces: the model's `changed_scope` config names
    the scope, 'reports', 'periods' or 'years'. -#}
{% macro changed_scope_predicate(scope, target) -%}
    {%- if scope == 'reports' -%}
        (unit_code, period_code, form) in (
            select unit_code, period_code, form from ({{ changed_reports(target) }})
        )
    {%- elif scope == 'periods' -%}
        period_code in (select period_code from ({{ changed_periods(target) }}))
    {%- elif scope == 'years' -%}
        year(period_end) in (select period_year from ({{ changed_years(target) }}))
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "replace_changed needs changed_scope 'reports', 'periods' or 'years', got " ~ scope
        ) }}
    {%- endif -%}
{%- endmacro %}

{% macro get_incremental_replace_changed_sql(arg_dict) %}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
delete from {{ target }}
where {{ changed_scope_predicate(config.get('changed_scope'), target) }};

insert into {{ target }} ({{ columns }})
select {{ columns }} from {{ arg_dict['temp_relation'] }}
{% endmacro %}
