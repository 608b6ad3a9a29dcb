{#- One level of the hierarchy roll-up: the level's own figures (value_reported) beside the
    sum of its children's figures (value_from_children), both kept, the difference visible.
    `children` are CTEs of lower levels; a child's figure is its own when it sent one, else
    its children's sum. Only indicators that add up over units (hierarchy_aggregation sum,
    or recompute for parts of a whole, whose part and whole are summed) take children.

    Coverage (contract I4): children_expected counts the unit's children the reporting
    calendar expects a figure from (expected_units); children_reporting those of them whose
    figure is a total, their own or derived at or above the threshold. A figure derived from
    children is below coverage when fewer than the threshold's share of the expected
    children report, or when none is expected: then nothing says it is a total. -#}
{% macro roll_up_level(level, children) %}
{% if not children %}
children_of_{{ level }} as (
    select
        unit_code,
        period_code,
        indicator_code,
        disaggregation,
        cast(null as double) as value_from_children,
        cast(null as double) as whole_from_children,
        cast(0 as bigint) as children_reporting
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
        sum(child.value_whole) as whole_from_children,
        count(*) filter (
            where child.is_expected and not child.is_below_coverage
        ) as children_reporting
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

figures_{{ level }} as (
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
        coalesce(own.value_whole, children.whole_from_children) as value_whole,
        case when own.unit_code is not null then 'reported' else 'derived' end as value_source,
        coalesce(children.children_reporting, 0) as children_reporting
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
),

level_{{ level }} as (
    select
        figures.*,
        coalesce(expected_children.children_expected, 0) as children_expected,
        case
            when figures.value_source = 'derived'
                then figures.children_reporting / nullif(expected_children.children_expected, 0)
        end as coverage,
        figures.value_source = 'derived'
        and coalesce(
            figures.children_reporting
            < {{ coverage_threshold() }} * expected_children.children_expected,
            true
        ) as is_below_coverage,
        expected_self.unit_code is not null as is_expected
    from figures_{{ level }} as figures
    inner join additive_indicators
        on figures.indicator_code = additive_indicators.indicator_code
    left join expected_children
        on figures.unit_code = expected_children.unit_code
            and figures.period_code = expected_children.period_code
            and additive_indicators.form = expected_children.form
    left join expected_units as expected_self
        on figures.unit_code = expected_self.unit_code
            and figures.period_code = expected_self.period_code
            and additive_indicators.form = expected_self.form
)
{% endmacro %}
