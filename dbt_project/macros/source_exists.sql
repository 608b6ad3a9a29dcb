{#- Whether a source table exists yet: a table another program creates on its first run
    (the quality gate's holds) is absent from a warehouse built before that run. -#}
{% macro source_exists(source_name, table_name) -%}
    {#- source() first: at parse time it records the model's dependency on the table. -#}
    {%- set relation = source(source_name, table_name) -%}
    {%- if not execute -%}
        {%- do return(false) -%}
    {%- endif -%}
    {%- set found = adapter.get_relation(
        database=relation.database, schema=relation.schema, identifier=relation.identifier
    ) -%}
    {%- do return(found is not none) -%}
{%- endmacro %}
