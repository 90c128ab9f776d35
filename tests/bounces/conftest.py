"""Shared fixtures for the bounce tests."""

from __future__ import annotations

from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "bounce-corpus"


@pytest.fixture
def corpus() -> Path:
    """The bounce corpus next to the repository; the test is skipped where it is absent."""
    if not (CORPUS / "maildir-bsd").is_dir():
        pytest.skip("bounce corpus not present at ../shared/bounce-corpus")
    return CORPUS
