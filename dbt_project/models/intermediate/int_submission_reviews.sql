{{ config(materialized='view') }}
-- The one definition of a submission's review state (docs/stewardship.md): what the steward
-- decided last and whether the quality gate holds it. The gate, the steward's job and the
-- quality.submission_reviews view read it; every model that decides what enters the facts
-- joins it. A view, so that a decision recorded between runs shows at once.
--   reject, send_back: out of the facts (an earlier revision of its values counts again);
--   a gate's hold: out of the facts until a steward decides after it;
--   accept: in the facts; the gate waives its waivable findings (expectations/gate.py).
-- The latest event counts: a hold after an accept (a new finding no accept can waive) holds
-- again; an accept after a hold lets the submission in.
with

submissions as (
    select submission_id from {{ ref('stg_inbox__submissions') }}
),

decisions as (
    select * from {{ ref('stg_inbox__steward_decisions') }}
),

holds as (
    select * from {{ ref('stg_quality__submission_holds') }}
),

latest_decisions as (
    select *
    from decisions
    qualify row_number() over (
            partition by submission_id order by decided_at desc, decision_id desc
        ) = 1
),

latest_holds as (
    select *
    from holds
    qualify row_number() over (
            partition by submission_id order by held_at desc, hold_id desc
        ) = 1
),

reviewed as (
    select
        submissions.submission_id,
        latest_decisions.decision as latest_decision,
        latest_decisions.reason as decision_reason,
        latest_decisions.steward,
        latest_decisions.decided_at,
        latest_holds.held_at,
        latest_holds.run_id as held_in_run,
        latest_holds.rules as hold_rules,
        latest_holds.is_waivable as hold_is_waivable,
        latest_holds.reason_vi as hold_reason_vi,
        coalesce(
            latest_holds.held_at is not null
            and (
                latest_decisions.decided_at is null
                or latest_holds.held_at > latest_decisions.decided_at
            ),
            false
        ) as is_held
    from submissions
    left join latest_decisions
        on submissions.submission_id = latest_decisions.submission_id
    left join latest_holds
        on submissions.submission_id = latest_holds.submission_id
),

final as (
    select
        *,
        not is_held and coalesce(latest_decision = 'accept', false) as is_accepted,
        is_held
        or coalesce(latest_decision in ('reject', 'send_back'), false)
            as is_excluded_from_facts,
        case
            when is_held then 'held'
            when latest_decision = 'reject' then 'rejected'
            when latest_decision = 'send_back' then 'sent_back'
            when latest_decision = 'accept' then 'accepted'
            else 'not_reviewed'
        end as review_state
    from reviewed
)

select * from final
