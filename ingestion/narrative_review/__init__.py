"""Narrative reports landed as proposed figures and reviewed by a steward (issue 17).

proposals.py  what landing writes: the report, its proposed figures with their evidence,
              and the view of where each figure stands
decisions.py  the steward's decisions: accept all, accept all but some, correct, reject
review.py     the review tables the steward reads in the Dagster UI
"""
