{#- Data tests of the incremental models look only at the rows this run rebuilt when their
    config says `where: rebuilt_rows` (set for the intermediate and core tests in
    dbt_project.yml). A model incremental by change batch (macros/changed_since.sql) stamps
    the rows it writes with the newest batch; the rows with the table's newest stamp are
    those its last run wrote. A full build stamps every row alike, so it tests the whole
    table, as does any model without the stamp.

    Restricting is sound for the tests used here: every key of these models lies in one
    report (unit × period × form) or one calendar year, and a run replaces the whole
    report or year, so a duplicate, a null or a broken reference among the rows a run wrote
    shows up in them; the other rows were tested when they were written. -#}

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

{% macro rebuilt_rows(relation) -%}
    {%- if not execute -%}
        {%- do return(relation) -%}
    {%- endif -%}
    {%- set names = adapter.get_columns_in_relation(relation) | map(attribute='name')
        | map('lower') | list -%}
    {%- if 'change_batch' not in names -%}
        {%- do return(relation) -%}
    {%- endif -%}
    {#- The newest stamp as a literal, read before the test runs: DuckDB skips the row
        groups whose stamps are all older (a run appends its rows), which it cannot do for
        a subquery, so a nightly test reads the night's rows, not the history. -#}
    {%- set newest = run_query('select max(change_batch) from ' ~ relation).columns[0].values()[0] -%}
    {%- if newest is none -%}
        {%- do return(relation) -%}
    {%- endif -%}
    {%- set filtered -%}
        (select * from {{ relation }} where change_batch = {{ newest | int }}) dbt_subquery
    {%- endset -%}
    {%- do return(filtered) -%}
{%- endmacro %}
