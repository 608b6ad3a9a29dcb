"""Hypothesis profiles of the property tests. `make test` runs `property-default`, a
fixed-seed share that fits in about two minutes; `make property` passes
`--hypothesis-profile property-long`, over a thousand sequences."""

from hypothesis import HealthCheck, settings

COMMON = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    "print_blob": True,
}

# About two minutes of sequences on a quiet two-core machine (a night costs ~2.5 s: the
# incremental build, a full rebuild of a copy, the comparison), after ~30 s of dbt set-up.
settings.register_profile("property-default", max_examples=15, **COMMON)
settings.register_profile("property-long", max_examples=1_100, **COMMON)
