-- What the analysts' database holds, one row per published table, written from the dbt
-- descriptions of the models tagged `published` (the same text the tables' comments carry):
-- its meaning and its grain (the description's "Grain:" sentence).
{%- set published = published_models() %}

with

described as (
    select
        cast(null as varchar) as table_name,
        cast(null as varchar) as layer,
        cast(null as varchar) as description,
        0 as column_count
    where false
    {%- for node in published %}
        union all
        select
            '{{ node.name }}',
            '{{ node.fqn[-2] }}',
            '{{ node.description | replace("'", "''") | trim }}',
            {{ node.columns | length }}
    {%- endfor %}
),

final as (
    select
        table_name,
        case
            when table_name like 'dim\_%' escape '\' then 'dimension'
            when table_name like 'fct\_%' escape '\' then 'fact'
            else 'mart'
        end as table_kind,
        layer,
        trim(regexp_replace(description, '\s*Grain:.*$', '')) as meaning,
        nullif(trim(regexp_extract(description, 'Grain:\s*(.*?)\.?\s*$', 1)), '') as grain,
        column_count
    from described
)

select * from final
