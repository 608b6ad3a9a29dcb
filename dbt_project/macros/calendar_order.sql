{#- Orders the reporting calendar's levels and frequencies: which level lies below which,
    and which period kind is shorter (terms and "as of" dates are neither: null). -#}
{% macro level_rank(column) -%}
    case {{ column }}
        when 'commune' then 1
        when 'district' then 2
        when 'province' then 3
        when 'central' then 4
    end
{%- endmacro %}

{% macro months_in_period(column) -%}
    case {{ column }}
        when 'month' then 1
        when 'quarter' then 3
        when 'half' then 6
        when 'year' then 12
    end
{%- endmacro %}
