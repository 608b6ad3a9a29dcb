"""Writers of files the union sends out: the reporting form a unit fills in."""
