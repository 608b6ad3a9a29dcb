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

# About two minutes of sequences on this two-core machine (15 took 97 s at a load of 3; a
# night is an incremental build, a full rebuild of a copy, the comparison), after ~45 s of
# dbt set-up.
settings.register_profile("property-default", max_examples=20, **COMMON)
settings.register_profile("property-long", max_examples=1_100, **COMMON)
