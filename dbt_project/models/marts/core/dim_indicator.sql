select * from {{ ref('stg_reference__indicators') }}
