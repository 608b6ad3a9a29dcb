-- The warehouse's published tables written by hand, straight from the raw tables, as fast as
-- a performance engineer would write them: the benchmark's second baseline
-- (bench/bench_warehouse.py). It is not generated from dbt and is not used by the pipeline;
-- the bench checks that every table it writes equals dbt's, so it states the same rules as
-- the models (docs/warehouse.md, docs/architecture.md contract 3 and I4), in its own way:
--   * every key is an integer: units, periods, indicators, disaggregations and submissions
--     are numbered once, and the big joins and groupings run on those numbers; names are
--     joined back only when a published table is written;
--   * a calendar period's number is year * 100 + 1-12 (month), 21-24 (quarter), 31-32
--     (half) or 40 (year), so the quarter, half and year a part lies in is arithmetic;
--   * flows are derived over time in a cascade (months -> quarters -> halves -> years) of
--     sums and counts, stocks take the part ending on the period's last day without any
--     grouping, and a derived figure gives way to a sent one by anti-joins on the few
--     sent quarters, halves and years, not by ranking every candidate;
--   * coverage counts come from the units grouped by (parent, level, validity) crossed with
--     the few (period, form) pairs the calendar expects, not from every expected unit.
-- data_dictionary is not written: it is dbt's own documentation, not data. The current
-- values the three subject facts show are kept in hw.current_values; the
-- working tables (schema hw) are dropped at the end.
-- The submission holds table is created empty when the quality gate has not run yet.

set preserve_insertion_order = false;

create schema if not exists quality;
create table if not exists quality.submission_holds (
    hold_id varchar, submission_id varchar, run_id varchar, held_at timestamp,
    rules varchar, is_waivable boolean, reason_en varchar, reason_vi varchar
);
create schema if not exists hw;
create schema if not exists core;
create schema if not exists analytics;

-- Submissions numbered in revision order (received_at, then id), with whether the steward's
-- latest decision or the gate's latest hold keeps them out of the facts.
create or replace table hw.subs as
with
receipt_times as (
    select submission_id, max(received_at) as last_received_at
    from raw.submission_receipts
    group by all
),
decisions as (
    select submission_id, decision, cast(decided_at as timestamp) as decided_at
    from raw.steward_decisions
    qualify row_number() over (
        partition by submission_id
        order by cast(decided_at as timestamp) desc, decision_id desc
    ) = 1
),
holds as (
    select submission_id, cast(held_at as timestamp) as held_at
    from quality.submission_holds
    qualify row_number() over (
        partition by submission_id order by cast(held_at as timestamp) desc, hold_id desc
    ) = 1
),
reviewed as (
    select
        s.submission_id,
        s.file_name,
        cast(coalesce(r.last_received_at, s.received_at) as timestamp) as received_at,
        coalesce(h.held_at is not null and (d.decided_at is null or h.held_at > d.decided_at), false)
        or coalesce(d.decision in ('reject', 'send_back'), false) as is_excluded
    from raw.submissions as s
    left join receipt_times as r on s.submission_id = r.submission_id
    left join decisions as d on s.submission_id = d.submission_id
    left join holds as h on s.submission_id = h.submission_id
)
select
    cast(row_number() over (
        order by received_at asc nulls first, submission_id asc nulls first
    ) as integer) as sub_rank,
    *
from reviewed;

create or replace view hw.values_all as
select
    submission_id, row_number as source_row_number, unit_code, period_code, indicator_code,
    coalesce(nullif(trim(disaggregation), ''), 'total') as disaggregation, period_kind,
    value_text, cast(value as double) as value, cast(value_whole as double) as value_whole,
    coalesce(value_approximate, false) as value_is_approximate, 'form' as value_source_kind,
    cast(null as varchar) as evidence_quote, cast(null as integer) as evidence_start,
    cast(null as integer) as evidence_end, coalesce(value_withdrawn, false) as is_withdrawn
from raw.submission_values
union all
select
    submission_id, figure_number, unit_code, period_code, indicator_code, 'total', period_kind,
    value_text, cast(value as double), cast(value_whole as double), qualifier != 'exact',
    'narrative', evidence, start_offset, end_offset, false
from raw.narrative_values;

-- Units (int_org_units_with_province), numbered together with any unit code a value names.
create or replace table hw.org as
select
    u.unit_code, u.gso_code, u.name_vi as unit_name_vi, u.short_name_vi as unit_short_name_vi,
    u.level as unit_level, u.parent_code as parent_unit_code,
    u.successor_code as successor_unit_code,
    cast(u.valid_from as date) as valid_from, cast(u.valid_to as date) as valid_to,
    case
        when u.level = 'province' then u.unit_code
        when p.level = 'province' then u.parent_code
        when g.level = 'province' then g.unit_code
    end as province_code
from raw.ref_org_units as u
left join raw.ref_org_units as p on u.parent_code = p.unit_code
left join raw.ref_org_units as g on p.parent_code = g.unit_code;

create or replace table hw.unit_ids as
select cast(row_number() over () as integer) as unit_id, unit_code
from (
    select unit_code from hw.org
    union
    select distinct unit_code from hw.values_all where unit_code is not null
);

create or replace table hw.units as
select
    i.unit_id, i.unit_code, o.unit_level, o.valid_from, o.valid_to,
    case o.unit_level
        when 'commune' then 1 when 'district' then 2 when 'province' then 3 when 'central' then 4
    end as level_rank,
    pi.unit_id as parent_id,
    case po.unit_level
        when 'commune' then 1 when 'district' then 2 when 'province' then 3 when 'central' then 4
    end as parent_rank
from hw.unit_ids as i
left join hw.org as o on i.unit_code = o.unit_code
left join hw.unit_ids as pi on o.parent_unit_code = pi.unit_code
left join hw.org as po on o.parent_unit_code = po.unit_code;

-- Periods (int_periods) numbered year * 100 + part; terms and dates above 10,000,000.
create or replace table hw.submitted_periods as
select distinct period_code, period_kind from hw.values_all;

create or replace table hw.periods as
with
bounds as (
    select
        least(2010, coalesce(min(try_cast(left(period_code, 4) as integer)), 2010)) as y0,
        greatest(2035, coalesce(max(try_cast(left(period_code, 4) as integer)), 2035)) as y1
    from hw.submitted_periods
    where period_kind in ('year', 'half', 'quarter', 'month', 'date')
),
parts as (
    select 'month' as period_kind, m as part, m as first_month, m as last_month
    from range(1, 13) as t (m)
    union all
    select 'quarter', 20 + q, 3 * q - 2, 3 * q from range(1, 5) as t (q)
    union all
    select 'half', 30 + h, 6 * h - 5, 6 * h from range(1, 3) as t (h)
    union all
    select 'year', 40, 1, 12
),
calendar as (
    select
        cast(y * 100 + parts.part as integer) as period_id,
        case parts.period_kind
            when 'year' then y::varchar
            when 'half' then y || '-H' || (parts.part - 30)
            when 'quarter' then y || '-Q' || (parts.part - 20)
            else y || '-' || lpad(parts.part::varchar, 2, '0')
        end as period_code,
        parts.period_kind,
        make_date(y, parts.first_month, 1) as period_start,
        last_day(make_date(y, parts.last_month, 1)) as period_end
    from bounds, range(bounds.y0, bounds.y1 + 1) as years (y), parts
),
terms as (
    select distinct first_year, last_year from (
        select f as first_year, f + 5 as last_year from range(2001, 2037, 5) as t (f)
        union all
        select substr(period_code, 2, 4)::integer, substr(period_code, 7, 4)::integer
        from hw.submitted_periods where period_kind = 'term'
    )
),
others as (
    select
        'T' || first_year || '-' || last_year as period_code, 'term' as period_kind,
        make_date(first_year, 1, 1) as period_start, make_date(last_year, 12, 31) as period_end
    from terms
    union all
    select period_code, 'date', period_code::date, period_code::date
    from hw.submitted_periods where period_kind = 'date'
),
all_periods as (
    select * from calendar
    union all
    select cast(10000000 + row_number() over (order by period_code) as integer), *
    from others
)
select
    *,
    year(period_end) as period_year,
    case when period_kind <> 'term' then (month(period_end) + 5) // 6 end as half_number,
    case
        when period_kind in ('quarter', 'month', 'date') then (month(period_end) + 2) // 3
    end as quarter_number,
    case when period_kind in ('month', 'date') then month(period_end) end as month_number,
    case
        when period_kind = 'term' then period_code
        else 'T' || (2001 + 5 * ((year(period_start) - 2001) // 5))
            || '-' || (2006 + 5 * ((year(period_start) - 2001) // 5))
    end as congress_term_code,
    case
        when period_kind = 'month' then year(period_end) || '-Q' || ((month(period_end) + 2) // 3)
    end as quarter_code,
    case
        when period_kind in ('month', 'quarter')
            then year(period_end) || '-H' || ((month(period_end) + 5) // 6)
    end as half_code,
    case when period_kind in ('month', 'quarter', 'half') then year(period_end)::varchar end
        as year_code,
    case period_kind when 'month' then 1 when 'quarter' then 3 when 'half' then 6 when 'year' then 12
    end as period_months
from all_periods;

-- Period codes values use that are no period of the calendar still key their figures.
create or replace table hw.period_ids as
select period_id, period_code from hw.periods
union all
select cast(20000000 + row_number() over () as integer), period_code
from (
    select distinct period_code from hw.submitted_periods
    where period_code is not null
        and period_code not in (select period_code from hw.periods)
);

create or replace table hw.dis_ids as
select cast(row_number() over () as integer) as dis_id, disaggregation
from (select distinct disaggregation from hw.values_all);

create or replace table hw.forms as
select cast(row_number() over () as integer) as form_id, form
from (
    select subject as form from raw.ref_indicators
    union
    select form from raw.ref_reporting_calendar
);

create or replace table hw.ind as
select
    cast(row_number() over () as integer) as ind_id,
    i.indicator_code,
    f.form_id,
    i.kind in ('stock', 'flow', 'part_of_whole') as is_additive,
    i.time_aggregation = 'sum' as adds_over_time,
    i.hierarchy_aggregation in ('sum', 'recompute') as adds_over_units,
    i.kind = 'ratio' as is_ratio,
    i.numerator, i.denominator,
    case when i.unit = 'percent' then 100.0 else 1.0 end as scale
from raw.ref_indicators as i
left join hw.forms as f on i.subject = f.form;

-- Contract 3: every version of every figure from a counted submission, and the current one.
create or replace table hw.v as
select
    u.unit_id, p.period_id, i.ind_id, d.dis_id, i.form_id, s.sub_rank, s.received_at,
    x.source_row_number, x.period_kind, x.value, x.value_text, x.value_whole,
    x.value_is_approximate, x.value_source_kind, x.evidence_quote, x.evidence_start,
    x.evidence_end, x.is_withdrawn
from hw.values_all as x
inner join hw.subs as s on x.submission_id = s.submission_id
inner join hw.ind as i on x.indicator_code = i.indicator_code
inner join hw.unit_ids as u on x.unit_code = u.unit_code
inner join hw.period_ids as p on x.period_code = p.period_code
inner join hw.dis_ids as d on x.disaggregation = d.disaggregation
where not s.is_excluded;

create or replace table hw.cur as
select * exclude (version_rank, is_withdrawn)
from (
    select
        *,
        row_number() over w as version_rank,
        count(*) over w as revision_count,
        min(sub_rank) over w as first_sub_rank,
        min(received_at) over w as first_received_at
    from hw.v
    window w as (
        partition by unit_id, period_id, ind_id, dis_id
        order by sub_rank desc, source_row_number desc nulls last
    )
)
where version_rank = 1 and not is_withdrawn;

-- Over time: each unit's sent figures of the additive indicators, and the quarters, halves
-- and years derived from its months, quarters or halves.
create or replace table hw.sent as
select
    c.unit_id, c.period_id, c.ind_id, c.dis_id, c.value, c.value_whole, i.adds_over_time,
    p.period_kind, c.period_id // 100 as y, c.period_id % 100 as part
from hw.cur as c
inner join hw.ind as i on c.ind_id = i.ind_id and i.is_additive
inner join hw.periods as p on c.period_id = p.period_id
inner join hw.units as u on c.unit_id = u.unit_id and u.level_rank is not null;

create or replace table hw.own as
with
month_flows_q as (
    select
        unit_id, ind_id, dis_id, y, 20 + (part + 2) // 3 as part,
        sum(value) as value, sum(value_whole) as value_whole, count(*) as n
    from hw.sent
    where period_kind = 'month' and adds_over_time
    group by all
),
month_flows_h as (
    select
        unit_id, ind_id, dis_id, y, 30 + (part - 19) // 2 as part,
        sum(value) as value, sum(value_whole) as value_whole, sum(n) as n
    from month_flows_q
    group by all
),
month_flows_y as (
    select unit_id, ind_id, dis_id, y, 40 as part,
        sum(value) as value, sum(value_whole) as value_whole, sum(n) as n
    from month_flows_h
    group by all
),
from_months as (
    select unit_id, ind_id, dis_id, y, part, value, value_whole from month_flows_q where n = 3
    union all
    select unit_id, ind_id, dis_id, y, part, value, value_whole from month_flows_h where n = 6
    union all
    select unit_id, ind_id, dis_id, y, part, value, value_whole from month_flows_y where n = 12
    union all
    select unit_id, ind_id, dis_id, y, unnest(
            case part when 3 then [21] when 6 then [22, 31] when 9 then [23]
                when 12 then [24, 32, 40] end
        ) as part, value, value_whole
    from hw.sent
    where period_kind = 'month' and not adds_over_time and part in (3, 6, 9, 12)
),
quarters_derived as (
    select
        unit_id, ind_id, dis_id, y, 30 + (part - 19) // 2 as part,
        sum(value) as value, sum(value_whole) as value_whole, count(*) as n
    from hw.sent
    where period_kind = 'quarter' and adds_over_time
    group by all
    having count(*) = 2
    union all
    select
        unit_id, ind_id, dis_id, y, 40,
        sum(value), sum(value_whole), count(*)
    from hw.sent
    where period_kind = 'quarter' and adds_over_time
    group by all
    having count(*) = 4
    union all
    select unit_id, ind_id, dis_id, y, unnest(
            case part when 22 then [31] when 24 then [32, 40] end
        ), value, value_whole, 1
    from hw.sent
    where period_kind = 'quarter' and not adds_over_time and part in (22, 24)
),
halves_derived as (
    select unit_id, ind_id, dis_id, y, 40 as part,
        sum(value) as value, sum(value_whole) as value_whole
    from hw.sent
    where period_kind = 'half' and adds_over_time
    group by all
    having count(*) = 2
    union all
    select unit_id, ind_id, dis_id, y, 40, value, value_whole
    from hw.sent
    where period_kind = 'half' and not adds_over_time and part = 32
),
sent_longer as (
    select unit_id, period_id, ind_id, dis_id
    from hw.sent
    where period_kind in ('quarter', 'half', 'year')
),
month_keys as (
    select unit_id, cast(y * 100 + part as integer) as period_id, ind_id, dis_id, value, value_whole
    from from_months
),
quarter_keys as (
    select unit_id, cast(y * 100 + part as integer) as period_id, ind_id, dis_id, value, value_whole
    from quarters_derived
),
half_keys as (
    select unit_id, cast(y * 100 + part as integer) as period_id, ind_id, dis_id, value, value_whole
    from halves_derived
)
select unit_id, period_id, ind_id, dis_id, value, value_whole from hw.sent
union all
select * from month_keys
anti join sent_longer using (unit_id, period_id, ind_id, dis_id)
union all
select * from quarter_keys
anti join sent_longer using (unit_id, period_id, ind_id, dis_id)
anti join month_keys using (unit_id, period_id, ind_id, dis_id)
union all
select * from half_keys
anti join sent_longer using (unit_id, period_id, ind_id, dis_id)
anti join month_keys using (unit_id, period_id, ind_id, dis_id)
anti join quarter_keys using (unit_id, period_id, ind_id, dis_id);

-- Coverage (contract I4): for each period and form, the highest level the calendar asks
-- (lowest rank); a unit valid on the period's last day at or above it is expected.
create or replace table hw.period_forms as
select p.period_id, p.period_end, f.form_id,
    min(case c.unit_level
        when 'commune' then 1 when 'district' then 2 when 'province' then 3 when 'central' then 4
    end) as min_rank
from hw.periods as p
inner join raw.ref_reporting_calendar as c
    on p.period_start >= cast(c.expected_from as date)
    and p.period_months >= case c.frequency
        when 'month' then 1 when 'quarter' then 3 when 'half' then 6 when 'year' then 12 end
inner join hw.forms as f on c.form = f.form
group by all;

create or replace table hw.expected_children as
with
unit_groups as (
    select parent_id, level_rank, valid_from, valid_to, count(*) as n
    from hw.units
    where parent_id is not null and level_rank is not null
    group by all
)
select g.parent_id as unit_id, pf.period_id, pf.form_id, sum(g.n)::bigint as children_expected
from unit_groups as g
inner join hw.period_forms as pf
    on g.level_rank >= pf.min_rank
    and (g.valid_from is null or pf.period_end >= g.valid_from)
    and (g.valid_to is null or pf.period_end <= g.valid_to)
group by all;

-- Over the hierarchy in the borders of their time, level by level.
create or replace table hw.own_time as
select
    o.unit_id, u.level_rank, u.parent_id, u.parent_rank, o.period_id, o.ind_id, o.dis_id,
    o.value as value_reported, cast(null as double) as value_from_children, o.value,
    o.value_whole as whole_reported, cast(null as double) as whole_from_children, o.value_whole,
    true as is_reported, cast(0 as bigint) as children_reporting,
    coalesce(ec.children_expected, 0) as children_expected,
    cast(null as double) as coverage, false as is_below_coverage,
    coalesce(
        pf.min_rank <= u.level_rank
        and (u.valid_from is null or pf.period_end >= u.valid_from)
        and (u.valid_to is null or pf.period_end <= u.valid_to),
        false
    ) as is_expected
from hw.own as o
inner join hw.units as u on o.unit_id = u.unit_id and u.level_rank = 1
inner join hw.ind as i on o.ind_id = i.ind_id
left join hw.expected_children as ec
    on o.unit_id = ec.unit_id and o.period_id = ec.period_id and i.form_id = ec.form_id
left join hw.period_forms as pf on o.period_id = pf.period_id and i.form_id = pf.form_id;

insert into hw.own_time
with
children as (
    select
        c.parent_id as unit_id, c.period_id, c.ind_id, c.dis_id,
        sum(c.value) as value_from_children, sum(c.value_whole) as whole_from_children,
        count(*) filter (where c.is_expected and not c.is_below_coverage) as children_reporting
    from hw.own_time as c
    inner join hw.ind as i on c.ind_id = i.ind_id and i.adds_over_units
    where c.parent_rank = 2 and c.level_rank < 2
    group by all
),
own as (
    select o.* from hw.own as o
    inner join hw.units as u on o.unit_id = u.unit_id and u.level_rank = 2
),
figures as (
    select
        coalesce(own.unit_id, ch.unit_id) as unit_id,
        coalesce(own.period_id, ch.period_id) as period_id,
        coalesce(own.ind_id, ch.ind_id) as ind_id,
        coalesce(own.dis_id, ch.dis_id) as dis_id,
        own.value as value_reported, ch.value_from_children,
        coalesce(own.value, ch.value_from_children) as value,
        own.value_whole as whole_reported, ch.whole_from_children,
        coalesce(own.value_whole, ch.whole_from_children) as value_whole,
        own.unit_id is not null as is_reported,
        coalesce(ch.children_reporting, 0) as children_reporting
    from own
    full outer join children as ch
        on own.unit_id = ch.unit_id and own.period_id = ch.period_id
        and own.ind_id = ch.ind_id and own.dis_id = ch.dis_id
)
select
    f.unit_id, u.level_rank, u.parent_id, u.parent_rank, f.period_id, f.ind_id, f.dis_id,
    f.value_reported, f.value_from_children, f.value, f.whole_reported, f.whole_from_children,
    f.value_whole, f.is_reported, f.children_reporting,
    coalesce(ec.children_expected, 0) as children_expected,
    case when not f.is_reported then f.children_reporting / nullif(ec.children_expected, 0) end
        as coverage,
    not f.is_reported and coalesce(f.children_reporting < 0.9 * ec.children_expected, true)
        as is_below_coverage,
    coalesce(
        pf.min_rank <= u.level_rank
        and (u.valid_from is null or pf.period_end >= u.valid_from)
        and (u.valid_to is null or pf.period_end <= u.valid_to),
        false
    ) as is_expected
from figures as f
inner join hw.units as u on f.unit_id = u.unit_id
inner join hw.ind as i on f.ind_id = i.ind_id and i.is_additive
left join hw.expected_children as ec
    on f.unit_id = ec.unit_id and f.period_id = ec.period_id and i.form_id = ec.form_id
left join hw.period_forms as pf on f.period_id = pf.period_id and i.form_id = pf.form_id;

insert into hw.own_time
with
children as (
    select
        c.parent_id as unit_id, c.period_id, c.ind_id, c.dis_id,
        sum(c.value) as value_from_children, sum(c.value_whole) as whole_from_children,
        count(*) filter (where c.is_expected and not c.is_below_coverage) as children_reporting
    from hw.own_time as c
    inner join hw.ind as i on c.ind_id = i.ind_id and i.adds_over_units
    where c.parent_rank = 3 and c.level_rank < 3
    group by all
),
own as (
    select o.* from hw.own as o
    inner join hw.units as u on o.unit_id = u.unit_id and u.level_rank = 3
),
figures as (
    select
        coalesce(own.unit_id, ch.unit_id) as unit_id,
        coalesce(own.period_id, ch.period_id) as period_id,
        coalesce(own.ind_id, ch.ind_id) as ind_id,
        coalesce(own.dis_id, ch.dis_id) as dis_id,
        own.value as value_reported, ch.value_from_children,
        coalesce(own.value, ch.value_from_children) as value,
        own.value_whole as whole_reported, ch.whole_from_children,
        coalesce(own.value_whole, ch.whole_from_children) as value_whole,
        own.unit_id is not null as is_reported,
        coalesce(ch.children_reporting, 0) as children_reporting
    from own
    full outer join children as ch
        on own.unit_id = ch.unit_id and own.period_id = ch.period_id
        and own.ind_id = ch.ind_id and own.dis_id = ch.dis_id
)
select
    f.unit_id, u.level_rank, u.parent_id, u.parent_rank, f.period_id, f.ind_id, f.dis_id,
    f.value_reported, f.value_from_children, f.value, f.whole_reported, f.whole_from_children,
    f.value_whole, f.is_reported, f.children_reporting,
    coalesce(ec.children_expected, 0) as children_expected,
    case when not f.is_reported then f.children_reporting / nullif(ec.children_expected, 0) end
        as coverage,
    not f.is_reported and coalesce(f.children_reporting < 0.9 * ec.children_expected, true)
        as is_below_coverage,
    coalesce(
        pf.min_rank <= u.level_rank
        and (u.valid_from is null or pf.period_end >= u.valid_from)
        and (u.valid_to is null or pf.period_end <= u.valid_to),
        false
    ) as is_expected
from figures as f
inner join hw.units as u on f.unit_id = u.unit_id
inner join hw.ind as i on f.ind_id = i.ind_id and i.is_additive
left join hw.expected_children as ec
    on f.unit_id = ec.unit_id and f.period_id = ec.period_id and i.form_id = ec.form_id
left join hw.period_forms as pf on f.period_id = pf.period_id and i.form_id = pf.form_id;

insert into hw.own_time
with
children as (
    select
        c.parent_id as unit_id, c.period_id, c.ind_id, c.dis_id,
        sum(c.value) as value_from_children, sum(c.value_whole) as whole_from_children,
        count(*) filter (where c.is_expected and not c.is_below_coverage) as children_reporting
    from hw.own_time as c
    inner join hw.ind as i on c.ind_id = i.ind_id and i.adds_over_units
    where c.level_rank = 3 and c.parent_rank = 4
    group by all
),
own as (
    select o.* from hw.own as o
    inner join hw.units as u on o.unit_id = u.unit_id and u.level_rank = 4
),
figures as (
    select
        coalesce(own.unit_id, ch.unit_id) as unit_id,
        coalesce(own.period_id, ch.period_id) as period_id,
        coalesce(own.ind_id, ch.ind_id) as ind_id,
        coalesce(own.dis_id, ch.dis_id) as dis_id,
        own.value as value_reported, ch.value_from_children,
        coalesce(own.value, ch.value_from_children) as value,
        own.value_whole as whole_reported, ch.whole_from_children,
        coalesce(own.value_whole, ch.whole_from_children) as value_whole,
        own.unit_id is not null as is_reported,
        coalesce(ch.children_reporting, 0) as children_reporting
    from own
    full outer join children as ch
        on own.unit_id = ch.unit_id and own.period_id = ch.period_id
        and own.ind_id = ch.ind_id and own.dis_id = ch.dis_id
)
select
    f.unit_id, u.level_rank, u.parent_id, u.parent_rank, f.period_id, f.ind_id, f.dis_id,
    f.value_reported, f.value_from_children, f.value, f.whole_reported, f.whole_from_children,
    f.value_whole, f.is_reported, f.children_reporting,
    coalesce(ec.children_expected, 0) as children_expected,
    case when not f.is_reported then f.children_reporting / nullif(ec.children_expected, 0) end
        as coverage,
    not f.is_reported and coalesce(f.children_reporting < 0.9 * ec.children_expected, true)
        as is_below_coverage,
    coalesce(
        pf.min_rank <= u.level_rank
        and (u.valid_from is null or pf.period_end >= u.valid_from)
        and (u.valid_to is null or pf.period_end <= u.valid_to),
        false
    ) as is_expected
from figures as f
inner join hw.units as u on f.unit_id = u.unit_id
inner join hw.ind as i on f.ind_id = i.ind_id and i.is_additive
left join hw.expected_children as ec
    on f.unit_id = ec.unit_id and f.period_id = ec.period_id and i.form_id = ec.form_id
left join hw.period_forms as pf on f.period_id = pf.period_id and i.form_id = pf.form_id;

-- Restated into the 2025 map: each unit's figures go to the 2025 unit of its level that
-- absorbed it (a split unit's to its default successor), a 2025 unit's to itself.
create or replace table hw.successor_of as
select u.unit_id, s.unit_id as successor_id, su.level_rank as successor_rank
from (
    select legacy_code as unit_code, new_code as successor_code
    from raw.ref_org_unit_crosswalk where cast(is_default as boolean)
    union all
    select unit_code, unit_code from hw.org where valid_to is null
) as m
inner join hw.unit_ids as u on m.unit_code = u.unit_code
inner join hw.unit_ids as s on m.successor_code = s.unit_code
inner join hw.units as su on s.unit_id = su.unit_id;

create or replace table hw.restated as
with
summed as (
    select
        s.successor_id as unit_id, f.period_id, f.ind_id, f.dis_id,
        case when count(f.value_reported) = count(*) then sum(f.value_reported) end
            as value_reported,
        sum(f.value_from_children) as value_from_children,
        sum(f.value) as value,
        case when count(f.whole_reported) = count(*) then sum(f.whole_reported) end
            as whole_reported,
        sum(f.whole_from_children) as whole_from_children,
        sum(f.value_whole) as value_whole,
        cast(sum(
            case when f.is_reported then f.children_expected else f.children_reporting end
        ) as bigint) as children_reporting,
        cast(sum(f.children_expected) as bigint) as children_expected
    from hw.own_time as f
    inner join hw.successor_of as s
        on f.unit_id = s.unit_id and f.level_rank = s.successor_rank
    group by all
)
select
    *,
    value_reported is not null as is_reported,
    case when value_reported is null then children_reporting / nullif(children_expected, 0) end
        as coverage,
    value_reported is null
    and coalesce(children_reporting < 0.9 * nullif(children_expected, 0), true)
        as is_below_coverage
from summed;

-- Ratios recomputed from the rolled-up numerator and denominator in both border views,
-- beside the ratios units sent (own-time borders).
create or replace table hw.ratios as
with
ratio_ind as (
    select r.ind_id, n.ind_id as num_id, d.ind_id as den_id, r.scale
    from hw.ind as r
    inner join hw.ind as n on r.numerator = n.indicator_code
    inner join hw.ind as d on r.denominator = d.indicator_code
    where r.is_ratio
),
additive as (
    select 'own_time' as borders, unit_id, period_id, ind_id, dis_id, value_reported,
        value_from_children, value, is_reported, children_reporting, children_expected,
        is_below_coverage
    from hw.own_time
    where ind_id in (select num_id from ratio_ind union select den_id from ratio_ind)
    union all
    select '2025', unit_id, period_id, ind_id, dis_id, value_reported,
        value_from_children, value, is_reported, children_reporting, children_expected,
        is_below_coverage
    from hw.restated
    where ind_id in (select num_id from ratio_ind union select den_id from ratio_ind)
),
recomputed as (
    select
        n.borders, n.unit_id, n.period_id, r.ind_id, n.dis_id,
        r.scale * n.value_reported / nullif(d.value_reported, 0) as value_reported,
        r.scale * n.value_from_children / nullif(d.value_from_children, 0)
            as value_from_children,
        r.scale * n.value / nullif(d.value, 0) as value,
        n.is_reported and d.is_reported as is_reported,
        least(n.children_reporting, d.children_reporting) as children_reporting,
        greatest(n.children_expected, d.children_expected) as children_expected,
        n.is_below_coverage or d.is_below_coverage as is_below_coverage
    from ratio_ind as r
    inner join additive as n on r.num_id = n.ind_id
    inner join additive as d
        on r.den_id = d.ind_id and n.borders = d.borders and n.unit_id = d.unit_id
        and n.period_id = d.period_id and n.dis_id = d.dis_id
),
sent as (
    select 'own_time' as borders, c.unit_id, c.period_id, c.ind_id, c.dis_id, c.value
    from hw.cur as c
    inner join hw.ind as i on c.ind_id = i.ind_id and i.is_ratio
    inner join hw.units as u on c.unit_id = u.unit_id and u.unit_level is not null
    inner join hw.periods as p on c.period_id = p.period_id
),
joined as (
    select
        coalesce(r.borders, s.borders) as borders,
        coalesce(r.unit_id, s.unit_id) as unit_id,
        coalesce(r.period_id, s.period_id) as period_id,
        coalesce(r.ind_id, s.ind_id) as ind_id,
        coalesce(r.dis_id, s.dis_id) as dis_id,
        coalesce(r.value, s.value) as value,
        case when coalesce(r.borders, s.borders) = 'own_time' then s.value else r.value_reported end
            as value_reported,
        r.value_from_children,
        coalesce(r.is_reported, true) as is_reported,
        coalesce(r.children_reporting, 0) as children_reporting,
        coalesce(r.children_expected, 0) as children_expected,
        coalesce(r.is_below_coverage, false) as is_below_coverage
    from recomputed as r
    full outer join sent as s
        on r.borders = s.borders and r.unit_id = s.unit_id and r.period_id = s.period_id
        and r.ind_id = s.ind_id and r.dis_id = s.dis_id
)
select
    * exclude (is_below_coverage),
    case when not is_reported then children_reporting / nullif(children_expected, 0) end
        as coverage,
    not is_reported and is_below_coverage as is_below_coverage
from joined;

-- The published facts.
create or replace view core.fct_indicator_values as
with
all_rows as (
    select 'own_time' as borders, unit_id, period_id, ind_id, dis_id, value, value_reported,
        value_from_children, value_whole, is_reported, children_reporting, children_expected,
        coverage, is_below_coverage
    from hw.own_time
    union all
    select '2025', unit_id, period_id, ind_id, dis_id, value, value_reported,
        value_from_children, value_whole, is_reported, children_reporting, children_expected,
        coverage, is_below_coverage
    from hw.restated
    union all
    select borders, unit_id, period_id, ind_id, dis_id, value, value_reported,
        value_from_children, cast(null as double), is_reported, children_reporting,
        children_expected, coverage, is_below_coverage
    from hw.ratios
)
select
    a.borders, u.unit_code, u.unit_level, p.period_code, p.period_kind, p.period_end,
    i.indicator_code, d.disaggregation, a.value, a.value_reported, a.value_from_children,
    a.value_reported - a.value_from_children as difference, a.value_whole,
    case when a.is_reported then 'reported' else 'derived' end as value_source,
    cast(a.children_reporting as bigint) as children_reporting,
    cast(a.children_expected as bigint) as children_expected,
    a.coverage, a.is_below_coverage
from all_rows as a
inner join hw.units as u on a.unit_id = u.unit_id
inner join hw.periods as p on a.period_id = p.period_id
inner join hw.ind as i on a.ind_id = i.ind_id
inner join hw.dis_ids as d on a.dis_id = d.dis_id;

create or replace view hw.current_values as
select
    u.unit_code, p.period_code, c.period_kind, i.indicator_code, d.disaggregation, f.form,
    c.value, c.value_text, c.value_whole, c.value_is_approximate, c.value_source_kind,
    c.evidence_quote, c.evidence_start, c.evidence_end, s.submission_id, s.file_name,
    c.source_row_number, c.received_at
from hw.cur as c
inner join hw.unit_ids as u on c.unit_id = u.unit_id
inner join hw.period_ids as p on c.period_id = p.period_id
inner join hw.ind as i on c.ind_id = i.ind_id
inner join hw.forms as f on i.form_id = f.form_id
inner join hw.dis_ids as d on c.dis_id = d.dis_id
inner join hw.subs as s on c.sub_rank = s.sub_rank;

create or replace view core.fct_membership as
select * exclude (form) from hw.current_values where form = 'members';
create or replace view core.fct_programme_results as
select * exclude (form) from hw.current_values where form = 'programmes';
create or replace view core.fct_finance as
select * exclude (form) from hw.current_values where form = 'finances';

create or replace table core.fct_targets as
with
pivoted as (
    select
        unit_code, period_code,
        case when disaggregation = 'total' then 'all' else replace(disaggregation, 'target:', '')
        end as target_code,
        max(value) filter (where indicator_code = 'target_set') as targets_set_sent,
        max(value) filter (where indicator_code = 'target_achieved') as targets_achieved,
        max(value_whole) filter (where indicator_code = 'target_achieved') as targets_achieved_of,
        max(value) filter (where indicator_code = 'target_exceeded') as targets_exceeded,
        max(value) filter (where indicator_code = 'target_not_met') as targets_not_met,
        max(value) filter (where indicator_code = 'target_achieved_share')
            as achieved_share_pct_sent,
        max(value) filter (where indicator_code = 'target_value') as target_value,
        max(value) filter (where indicator_code = 'target_result') as target_result,
        max(value) filter (where indicator_code = 'target_achievement_pct')
            as achievement_pct_sent,
        max(submission_id) as submission_id
    from hw.current_values
    where form = 'targets'
    group by all
)
select
    unit_code, period_code, target_code,
    coalesce(targets_set_sent, targets_achieved_of) as targets_set,
    targets_achieved, targets_exceeded, targets_not_met,
    coalesce(
        100.0 * targets_achieved / nullif(coalesce(targets_set_sent, targets_achieved_of), 0),
        achieved_share_pct_sent
    ) as targets_achieved_pct,
    target_value, target_result,
    coalesce(100.0 * target_result / nullif(target_value, 0), achievement_pct_sent)
        as achievement_pct,
    coalesce(100.0 * target_result / nullif(target_value, 0), achievement_pct_sent) >= 100
        as is_target_met,
    submission_id
from pivoted;

-- Expected reports (contract 4) and the latest counted submission of each.
create or replace table core.fct_submissions as
with
report_submissions as (
    select distinct unit_id, period_id, form_id, sub_rank, received_at from hw.v
),
reports as (
    select
        unit_id, period_id, form_id, max(sub_rank) as current_rank,
        min(received_at) as first_received_at, count(*) as accepted_submission_count
    from report_submissions
    group by all
),
expected as (
    select
        o.unit_code, o.unit_level, o.province_code, p.period_id, p.period_code,
        p.period_kind, p.period_end, c.form,
        cast(p.period_end + cast(c.deadline_days as integer) as date) as deadline
    from raw.ref_reporting_calendar as c
    inner join hw.periods as p
        on c.frequency = p.period_kind and cast(c.expected_from as date) <= p.period_start
    inner join hw.org as o
        on c.unit_level = o.unit_level
        and (o.valid_from is null or p.period_end >= o.valid_from)
        and (o.valid_to is null or p.period_end <= o.valid_to)
    where p.period_end < coalesce(getvariable('reporting_as_of'), current_date)
)
select
    e.unit_code, e.period_code, e.form, e.deadline,
    r.current_rank is not null as is_received,
    coalesce(r.first_received_at < cast(e.deadline + 1 as timestamp), false) as is_on_time,
    r.first_received_at,
    s.submission_id as latest_submission_id,
    coalesce(r.accepted_submission_count - 1, 0) as revision_count,
    e.unit_level, e.province_code, e.period_kind, e.period_end
from expected as e
left join hw.unit_ids as u on e.unit_code = u.unit_code
left join hw.forms as f on e.form = f.form
left join reports as r
    on u.unit_id = r.unit_id and e.period_id = r.period_id and f.form_id = r.form_id
left join hw.subs as s on r.current_rank = s.sub_rank;

-- Dimensions.
create or replace table core.dim_indicator as
select
    indicator_code, name_vi as indicator_name_vi, name_en as indicator_name_en,
    aliases as indicator_aliases, subject as subject_area, programme as programme_code,
    unit as unit_of_measure, kind as indicator_kind, time_aggregation, hierarchy_aggregation,
    numerator as numerator_indicator_code, denominator as denominator_indicator_code,
    disaggregations as allowed_disaggregations
from raw.ref_indicators;

create or replace table core.dim_org_unit_crosswalk as
select
    legacy_code as legacy_unit_code, new_code as new_unit_code,
    cast(is_default as boolean) as is_default_successor, cast(split_count as integer) as split_count
from raw.ref_org_unit_crosswalk;

create or replace table core.dim_programme as
select
    p.programme_code, p.programme_name_vi, p.programme_name_en, p.programme_kind,
    coalesce(n.indicator_count, 0) as indicator_count
from read_csv('seeds/programmes.csv', header = true, all_varchar = true) as p
left join (
    select programme as programme_code, count(*) as indicator_count
    from raw.ref_indicators where programme is not null group by all
) as n on p.programme_code = n.programme_code;

create or replace table core.dim_period as
select
    period_code, period_kind,
    case period_kind
        when 'year' then 'Năm ' || period_year
        when 'half' then '6 tháng ' || if(half_number = 1, 'đầu', 'cuối') || ' năm ' || period_year
        when 'quarter' then 'Quý ' || quarter_number || '/' || period_year
        when 'month' then 'Tháng ' || month_number || '/' || period_year
        when 'term' then 'Nhiệm kỳ ' || year(period_start) || '-' || year(period_end)
        when 'date' then 'Tính đến ngày ' || strftime(period_end, '%d/%m/%Y')
    end as period_name_vi,
    period_start, period_end, period_year, half_number, quarter_number, month_number,
    congress_term_code, quarter_code, half_code, year_code
from hw.periods;

create or replace table core.dim_org_unit as
with
clusters as (
    select * from read_csv('seeds/emulation_clusters.csv', header = true, all_varchar = true)
),
split_counts as (
    select legacy_code, max(cast(split_count as integer)) as successor_count
    from raw.ref_org_unit_crosswalk group by all
),
with_2025 as (
    select
        o.*,
        case when o.valid_to is null then o.unit_code else o.successor_unit_code end
            as unit_code_2025,
        s.successor_count
    from hw.org as o
    left join split_counts as s on o.unit_code = s.legacy_code
)
select
    w.unit_code, w.gso_code, w.unit_name_vi, w.unit_short_name_vi, w.unit_level,
    case w.unit_level
        when 'central' then 'Trung ương Hội' when 'province' then 'Cấp tỉnh'
        when 'district' then 'Cấp huyện' when 'commune' then 'Cấp cơ sở'
    end as unit_level_vi,
    w.parent_unit_code, parent.unit_name_vi as parent_unit_name_vi, w.valid_from, w.valid_to,
    case
        when w.valid_to is not null then 'legacy'
        when w.valid_from is not null then '2025'
        else 'permanent'
    end as unit_era,
    w.province_code, w.successor_unit_code, coalesce(w.successor_count, 0) as successor_count,
    w.unit_code_2025, successor.province_code as province_code_2025,
    c.cluster_code, c.cluster_name_vi, c.cluster_name_en
from with_2025 as w
left join hw.org as successor on w.unit_code_2025 = successor.unit_code
left join hw.org as parent on w.parent_unit_code = parent.unit_code
left join clusters as c on w.province_code = c.unit_code;

-- The analysts' marts.
create or replace table analytics.mart_reporting_completeness as
with
counted as (
    select
        province_code, period_code, period_kind, period_end, form,
        count(*) as reports_expected,
        count(*) filter (where is_received) as reports_received,
        count(*) filter (where is_on_time) as reports_on_time,
        cast(sum(revision_count) as bigint) as revisions
    from core.fct_submissions
    where province_code is not null
    group by all
)
select
    c.province_code, o.unit_name_vi as province_name_vi, o.unit_code_2025 as province_code_2025,
    o.cluster_code, c.period_code, c.period_kind, c.period_end, c.form, c.reports_expected,
    c.reports_received, c.reports_on_time, c.revisions,
    100.0 * c.reports_received / c.reports_expected as reporting_rate_pct,
    100.0 * c.reports_on_time / c.reports_expected as timeliness_rate_pct
from counted as c
inner join core.dim_org_unit as o on c.province_code = o.unit_code;

-- The province, central and 2025-commune rows the marts read, once.
create or replace table hw.upper_values as
select
    *,
    case when coalesce(is_below_coverage, false) then null else value end as headline_value
from core.fct_indicator_values
where unit_level in ('central', 'province');

create or replace table analytics.mart_finances_by_province as
with
pivoted as (
    select
        unit_code as province_code, period_code, period_kind, period_end,
        max(headline_value) filter (where indicator_code = 'fin_trust_loan_balance')
            as trust_loan_balance_vnd,
        max(headline_value) filter (where indicator_code = 'fin_borrowing_households')
            as borrowing_households,
        max(headline_value) filter (where indicator_code = 'fin_money_mobilised')
            as money_mobilised_vnd,
        max(headline_value) filter (where indicator_code = 'fin_activity_spending')
            as money_spent_vnd,
        coalesce(bool_or(is_below_coverage), false) as has_values_below_coverage
    from hw.upper_values
    where borders = '2025' and unit_level = 'province' and disaggregation = 'total'
        and indicator_code in (
            'fin_trust_loan_balance', 'fin_borrowing_households', 'fin_money_mobilised',
            'fin_activity_spending'
        )
    group by all
)
select
    p.province_code, o.unit_name_vi as province_name_vi, o.cluster_code, p.period_code,
    p.period_kind, p.period_end, p.trust_loan_balance_vnd, p.borrowing_households,
    p.money_mobilised_vnd, p.money_spent_vnd, p.has_values_below_coverage
from pivoted as p
inner join core.dim_org_unit as o on p.province_code = o.unit_code;

create or replace table analytics.mart_membership_by_province as
with
province_figures as (
    select
        unit_code as province_code, period_code, period_kind, period_end,
        max(headline_value) filter (where indicator_code = 'members_total') as members_total,
        max(difference) filter (where indicator_code = 'members_total')
            as members_total_difference,
        max(headline_value) filter (where indicator_code = 'women_18_plus') as women_18_plus,
        max(headline_value) filter (where indicator_code = 'members_admitted')
            as members_admitted,
        max(headline_value) filter (where indicator_code = 'members_lost') as members_lost,
        max(headline_value) filter (where indicator_code = 'members_units_rate_under_50')
            as grassroots_units_under_50_sent,
        coalesce(bool_or(is_below_coverage), false) as has_values_below_coverage
    from hw.upper_values
    where borders = '2025' and unit_level = 'province' and disaggregation = 'total'
        and indicator_code in (
            'members_total', 'women_18_plus', 'members_admitted', 'members_lost',
            'members_units_rate_under_50'
        )
    group by all
),
commune_pairs as (
    select
        r.unit_id, r.period_id,
        max(r.value) filter (where i.indicator_code = 'members_total') as members,
        max(r.value) filter (where i.indicator_code = 'women_18_plus') as women,
        count(*) filter (where i.indicator_code = 'women_18_plus') as has_women,
        count(*) filter (where i.indicator_code = 'members_total') as has_members
    from hw.restated as r
    inner join hw.ind as i on r.ind_id = i.ind_id
    inner join hw.dis_ids as d on r.dis_id = d.dis_id
    inner join hw.units as u on r.unit_id = u.unit_id
    where u.level_rank = 1 and d.disaggregation = 'total'
        and i.indicator_code in ('members_total', 'women_18_plus')
    group by all
),
commune_rates as (
    select
        o.province_code, p.period_code,
        count(*) filter (where c.members < 0.5 * c.women) as grassroots_units_under_50_counted
    from commune_pairs as c
    inner join hw.units as u on c.unit_id = u.unit_id
    inner join core.dim_org_unit as o on u.unit_code = o.unit_code
    inner join hw.periods as p on c.period_id = p.period_id
    where c.has_members > 0 and c.has_women > 0
    group by all
),
targets as (
    select * from core.fct_targets where target_code = 'all'
),
with_growth as (
    select
        *,
        coalesce(
            members_admitted - members_lost,
            members_total - lag(members_total) over (
                partition by province_code, period_kind order by period_end
            )
        ) as net_growth,
        100.0 * members_total / nullif(women_18_plus, 0) as membership_rate_pct
    from province_figures
)
select
    g.province_code, o.unit_name_vi as province_name_vi, o.cluster_code, o.cluster_name_vi,
    g.period_code, g.period_kind, g.period_end, g.members_total, g.members_total_difference,
    g.women_18_plus, g.members_admitted, g.members_lost, g.net_growth, g.membership_rate_pct,
    coalesce(g.grassroots_units_under_50_sent, r.grassroots_units_under_50_counted)
        as grassroots_units_under_50,
    t.targets_set, t.targets_achieved, t.targets_achieved_pct, g.has_values_below_coverage
from with_growth as g
inner join core.dim_org_unit as o on g.province_code = o.unit_code
left join commune_rates as r
    on g.province_code = r.province_code and g.period_code = r.period_code
left join targets as t on g.province_code = t.unit_code and g.period_code = t.period_code;

create or replace table analytics.mart_national_totals as
select
    v.period_code, p.period_name_vi, v.period_kind, v.period_end, v.indicator_code,
    i.indicator_name_vi, i.subject_area, i.unit_of_measure, v.disaggregation,
    v.headline_value as value, v.value_reported, v.value_from_children, v.value_source,
    v.children_reporting, v.children_expected, v.coverage,
    coalesce(v.is_below_coverage, false) as is_below_coverage
from hw.upper_values as v
inner join core.dim_indicator as i on v.indicator_code = i.indicator_code
inner join core.dim_period as p on v.period_code = p.period_code
where v.borders = '2025' and v.unit_level = 'central';

create or replace table analytics.mart_programme_outcomes as
select
    i.programme_code, v.unit_code as province_code, o.unit_name_vi as province_name_vi,
    v.period_code, v.period_kind, v.indicator_code, i.indicator_name_vi, i.unit_of_measure,
    v.disaggregation, v.headline_value as value, v.value_whole, v.value_reported,
    v.value_from_children, v.difference, v.value_source, v.coverage,
    coalesce(v.is_below_coverage, false) as is_below_coverage
from hw.upper_values as v
inner join core.dim_indicator as i
    on v.indicator_code = i.indicator_code and i.subject_area = 'programmes'
inner join core.dim_org_unit as o on v.unit_code = o.unit_code
where v.borders = '2025' and v.unit_level = 'province';

create or replace table analytics.mart_indicator_series as
select
    v.borders, v.unit_code, o.unit_name_vi, v.unit_level, o.cluster_code, o.cluster_name_vi,
    v.period_code, p.period_name_vi, v.period_kind, v.period_end, v.indicator_code,
    i.indicator_name_vi, i.subject_area, i.unit_of_measure, v.disaggregation,
    v.headline_value as value, v.value_reported, v.value_from_children, v.difference,
    v.value_source, v.children_reporting, v.children_expected, v.coverage,
    coalesce(v.is_below_coverage, false) as is_below_coverage
from hw.upper_values as v
inner join core.dim_org_unit as o on v.unit_code = o.unit_code
inner join core.dim_indicator as i on v.indicator_code = i.indicator_code
inner join core.dim_period as p on v.period_code = p.period_code;

create or replace table analytics.mart_cluster_scorecard as
with
reporting as (
    select
        province_code_2025 as province_code, period_code,
        100.0 * sum(reports_received) / sum(reports_expected) as reporting_rate_pct,
        100.0 * sum(reports_on_time) / sum(reports_expected) as timeliness_rate_pct
    from analytics.mart_reporting_completeness
    group by all
),
scorecard as (
    select
        m.cluster_code, m.cluster_name_vi, m.province_code, m.province_name_vi, m.period_code,
        m.period_kind, m.members_total, m.membership_rate_pct, m.net_growth,
        m.grassroots_units_under_50, m.targets_achieved_pct, f.trust_loan_balance_vnd,
        f.borrowing_households, f.money_mobilised_vnd, r.reporting_rate_pct,
        r.timeliness_rate_pct
    from analytics.mart_membership_by_province as m
    left join analytics.mart_finances_by_province as f
        on m.province_code = f.province_code and m.period_code = f.period_code
    left join reporting as r
        on m.province_code = r.province_code and m.period_code = r.period_code
    where m.cluster_code is not null
)
select
    *,
    rank() over (
        partition by cluster_code, period_code order by membership_rate_pct desc nulls last
    ) as membership_rate_rank_in_cluster
from scorecard;

drop table hw.v;
drop table hw.sent;
drop table hw.own;
drop table hw.upper_values;
drop table hw.successor_of;
drop table hw.expected_children;
drop table hw.period_forms;
