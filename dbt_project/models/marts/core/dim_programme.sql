-- The programmes (chương trình, phong trào, cuộc vận động, đề án, dự án) the catalogue's
-- indicators belong to, with how many indicators each has.
with

programmes as (
    select * from {{ ref('programmes') }}
),

indicators as (
    select * from {{ ref('stg_reference__indicators') }}
),

indicator_counts as (
    select
        programme_code,
        count(*) as indicator_count
    from indicators
    where programme_code is not null
    group by programme_code
)

select
    programmes.programme_code,
    programmes.programme_name_vi,
    programmes.programme_name_en,
    programmes.programme_kind,
    coalesce(indicator_counts.indicator_count, 0) as indicator_count
from programmes
left join indicator_counts
    on programmes.programme_code = indicator_counts.programme_code
