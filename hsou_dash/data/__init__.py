"""Data access: installing and validating the bundle, loading it, preparing geometry."""
