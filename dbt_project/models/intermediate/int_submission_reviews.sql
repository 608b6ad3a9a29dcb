-- The decision that counts for each submission: the latest one. Earlier decisions stay in
-- the audit table.
with

decisions as (
    select * from {{ ref('stg_inbox__steward_decisions') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by submission_id order by decided_at desc, decision_id desc
        ) as decision_rank
    from decisions
)

select
    submission_id,
    decision,
    reason,
    steward,
    decided_at,
    decision in ('reject', 'send_back') as is_excluded_from_facts
from ranked
where decision_rank = 1
