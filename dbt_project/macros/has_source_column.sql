{#- Whether a raw table already has a column that landing adds by ALTER: a build database
    landed by an older version lacks it until landing next runs. -#}
{% macro has_source_column(source_name, table_name, column_name) -%}
    {%- if not execute -%}
        {%- do return(false) -%}
    {%- endif -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- set names = adapter.get_columns_in_relation(relation) | map(attribute='name')
        | map('lower') | list -%}
    {%- do return(column_name in names) -%}
{%- endmacro %}
