{#- The coverage columns of the rolled-up values (contract I4): passed through from the
    roll-up, which is their one home. Until the roll-up carries them they are null (typed),
    so the published contract holds either way. Columns are looked up when the model runs. -#}
{% macro rolled_up_coverage_columns(relation) -%}
    {%- set coverage = {
        'value_source': 'varchar',
        'children_reporting': 'bigint',
        'children_expected': 'bigint',
        'coverage': 'double',
        'is_below_coverage': 'boolean',
    } -%}
    {%- set present = [] -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- do present.append(column.name | lower) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- for name, data_type in coverage.items() -%}
        {%- if name in present -%}
            cast({{ name }} as {{ data_type }}) as {{ name }}
        {%- else -%}
            cast(null as {{ data_type }}) as {{ name }}
        {%- endif -%}
        {{- ",\n        " if not loop.last -}}
    {%- endfor -%}
{%- endmacro %}
