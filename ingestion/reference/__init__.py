"""Reference data: the org units (from vietnamadminunits) and the indicator catalogue."""
