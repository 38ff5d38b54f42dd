"""Every name `helpers.offline` exports is there (its lazy loading finds each one)."""

from __future__ import annotations

import helpers.offline


def test_every_public_name_resolves() -> None:
    missing = [name for name in helpers.offline.__all__ if getattr(helpers.offline, name, None) is None]
    assert missing == []
    assert callable(helpers.offline.in_process) and callable(helpers.offline.serve)
