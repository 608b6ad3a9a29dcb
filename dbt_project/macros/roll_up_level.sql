{#- One level of the hierarchy roll-up: the level's own figures (value_reported) beside the
    sum of its children's figures (value_from_children), both kept, the difference visible.
    `children` are CTEs of lower levels; a child's figure is its own when it sent one, else
    its children's sum. Only indicators that add up over units (hierarchy_aggregation sum,
    or recompute for parts of a whole, whose part and whole are summed) take children. -#}
{% macro roll_up_level(level, children) %}
{% if not children %}
children_of_{{ level }} as (
    select
        unit_code,
        period_code,
        indicator_code,
        disaggregation,
        cast(null as double) as value_from_children,
        cast(null as double) as whole_from_children
    from own_values
    where false
),
{% else %}
children_of_{{ level }} as (
    select
        child.parent_unit_code as unit_code,
        child.period_code,
        child.indicator_code,
        child.disaggregation,
        sum(child.value) as value_from_children,
        sum(child.value_whole) as whole_from_children
    from (
        select * from {{ children | join(' union all select * from ') }}
    ) as child
    inner join org_units as parent
        on child.parent_unit_code = parent.unit_code
    inner join additive_indicators
        on child.indicator_code = additive_indicators.indicator_code
    where parent.unit_level = '{{ level }}'
        and additive_indicators.adds_over_units
    group by all
),
{% endif %}

level_{{ level }} as (
    select
        org_units.unit_code,
        org_units.unit_level,
        org_units.parent_unit_code,
        coalesce(own.period_code, children.period_code) as period_code,
        coalesce(own.indicator_code, children.indicator_code) as indicator_code,
        coalesce(own.disaggregation, children.disaggregation) as disaggregation,
        own.value as value_reported,
        children.value_from_children,
        coalesce(own.value, children.value_from_children) as value,
        own.value_whole as whole_reported,
        children.whole_from_children,
        coalesce(own.value_whole, children.whole_from_children) as value_whole
    from (
        select * from own_values where unit_level = '{{ level }}'
    ) as own
    full outer join children_of_{{ level }} as children
        on own.unit_code = children.unit_code
        and own.period_code = children.period_code
        and own.indicator_code = children.indicator_code
        and own.disaggregation = children.disaggregation
    inner join org_units
        on coalesce(own.unit_code, children.unit_code) = org_units.unit_code
)
{% endmacro %}
