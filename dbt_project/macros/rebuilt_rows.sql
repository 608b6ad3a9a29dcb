{#- Data tests of the incremental models look only at the rows this run rebuilt when their
    config says `where: rebuilt_rows` (set for the intermediate and core tests in
    dbt_project.yml). The hooks of an incremental model leave the keys they rebuilt beside
    the model until its next run: `<model>__changed_reports` (unit × period × form) or
    `<model>__changed_years` (calendar years of period_end). A full build drops them, so it
    tests the whole table, as does any model without such a table.

    Restricting is sound for the tests used here: every key of these models lies in one
    report (unit × period) or one calendar year, so a duplicate, a null or a broken
    reference among the rows a run wrote shows up in the rows of the rebuilt keys; the
    rows outside them were tested when they were written. -#}

{% macro duckdb__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where == 'rebuilt_rows' -%}
        {%- do return(rebuilt_rows(relation)) -%}
    {%- elif where -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

{% macro rebuilt_scope(relation) -%}
    {#- 'reports', 'years' or none: which work table of the last run the model has. -#}
    {%- if not execute -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- set found -%}
        select table_name
        from information_schema.tables
        where table_schema = '{{ relation.schema }}'
            and table_name in (
                '{{ relation.identifier }}__changed_reports',
                '{{ relation.identifier }}__changed_years'
            )
    {%- endset -%}
    {%- set names = run_query(found).columns[0].values() -%}
    {%- if (relation.identifier ~ '__changed_reports') in names -%}
        {%- do return('reports') -%}
    {%- elif (relation.identifier ~ '__changed_years') in names -%}
        {%- do return('years') -%}
    {%- endif -%}
    {%- do return(none) -%}
{%- endmacro %}

{% macro rebuilt_rows(relation) -%}
    {%- set scope = rebuilt_scope(relation) -%}
    {%- if scope == 'reports' -%}
        {%- set filtered -%}
            (
                select built.*
                from {{ relation }} as built
                semi join {{ relation.schema }}."{{ relation.identifier }}__changed_reports" as changed
                    on built.unit_code = changed.unit_code
                    and built.period_code = changed.period_code
            ) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- elif scope == 'years' -%}
        {%- set filtered -%}
            (
                select *
                from {{ relation }}
                where year(period_end) in (
                    select period_year
                    from {{ relation.schema }}."{{ relation.identifier }}__changed_years"
                )
            ) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}
