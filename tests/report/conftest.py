"""Fixtures of the report tests."""

from __future__ import annotations

import pytest

from landeval.config import default_config


@pytest.fixture(scope="package")
def config():
    return default_config()
