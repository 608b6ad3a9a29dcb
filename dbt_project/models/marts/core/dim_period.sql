-- Reporting periods with their Vietnamese names as a report writes them (Năm 2025, 6 tháng
-- đầu năm 2025, Quý 3/2025, Tháng 7/2025, Nhiệm kỳ 2021-2026, Tính đến ngày 30/10/2023).
with

periods as (
    select * from {{ ref('int_periods') }}
),

final as (
    select
        period_code,
        period_kind,
        case period_kind
            when 'year' then 'Năm ' || period_year
            when 'half'
                then '6 tháng ' || if(half_number = 1, 'đầu', 'cuối') || ' năm ' || period_year
            when 'quarter' then 'Quý ' || quarter_number || '/' || period_year
            when 'month' then 'Tháng ' || month_number || '/' || period_year
            when 'term' then 'Nhiệm kỳ ' || year(period_start) || '-' || year(period_end)
            when 'date' then 'Tính đến ngày ' || strftime(period_end, '%d/%m/%Y')
        end as period_name_vi,
        period_start,
        period_end,
        period_year,
        half_number,
        quarter_number,
        month_number,
        congress_term_code,
        quarter_code,
        half_code,
        year_code
    from periods
)

select * from final
