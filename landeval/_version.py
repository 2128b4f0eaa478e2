"""The package version, read by packaging (pyproject.toml) and written into every run_info."""

__version__ = "0.1.0"
