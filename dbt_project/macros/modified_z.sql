{#- The modified z-score of a value `deviation` (= |x - median|) away from the median of its
    group (Iglewicz and Hoaglin): 0.6745 deviation / MAD. When MAD is 0 (at least half the
    group is one value), the usual substitute deviation / (1.253314 MeanAD); when MeanAD is
    0 too (the group is one constant c), 3.5 deviation / max(0.5 |c|, 10), so that only a
    value half again or half below c, and more than 10 away, scores above 3.5. The one
    definition for the over-time history (int_value_history) and the peers of a period
    (int_value_peers). -#}
{% macro modified_z(deviation, mad, mean_ad, median) -%}
    case
        when {{ mad }} > 0 then 0.6745 * {{ deviation }} / {{ mad }}
        when {{ mean_ad }} > 0 then {{ deviation }} / (1.253314 * {{ mean_ad }})
        else 3.5 * {{ deviation }} / greatest(0.5 * abs({{ median }}), 10)
    end
{%- endmacro %}
