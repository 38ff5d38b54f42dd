"""The harness itself: offline runs cannot reach the network, so passing tests prove it.

Every contract test that passes in the offline modes ran under this guard, so
"token verification in pycognito works offline (no call leaves the machine)"
holds for all of them.
"""

from __future__ import annotations

import socket
from typing import Any

import pytest


def test_offline_modes_refuse_to_leave_the_machine(aws: Any) -> None:
    """A name lookup for a real AWS endpoint is refused before any packet is sent."""
    if aws.mode == "real":
        pytest.skip("the real mode is meant to reach AWS")
    with pytest.raises(OSError, match="must not look up"):
        socket.getaddrinfo("cognito-idp.us-east-1.amazonaws.com", 443)
