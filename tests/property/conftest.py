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

# About two minutes of sequences on this two-core machine (20 took 40 s on a quiet machine; a
# night is an incremental build and a full rebuild of an in-memory copy, side by side, and the
# comparison), after ~30 s of dbt set-up.
settings.register_profile("property-default", max_examples=40, **COMMON)
settings.register_profile("property-long", max_examples=1_100, **COMMON)
