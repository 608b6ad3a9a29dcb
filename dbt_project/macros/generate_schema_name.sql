{#- Schemas are named by layer (staging, intermediate, core, analytics), not prefixed with the
    target schema: the build database holds one environment, and publish copies by layer. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
