{#- The models tagged `published` (dbt_project.yml), sorted by name; empty while parsing. -#}
{% macro published_models() -%}
    {%- set published = [] -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values() | sort(attribute='name') -%}
            {%- if node.resource_type == 'model' and 'published' in node.tags -%}
                {%- do published.append(node) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- do return(published) -%}
{%- endmacro %}
