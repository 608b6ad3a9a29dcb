{#- The share of expected children that must report for a figure derived from them to be
    published as a total (contract I4; the reasoning is in docs/warehouse.md, "Coverage").
    Set with the dbt var rollup_coverage_threshold; 0.9 when unset. -#}
{% macro coverage_threshold() -%}
    {{ var('rollup_coverage_threshold', 0.9) }}
{%- endmacro %}
