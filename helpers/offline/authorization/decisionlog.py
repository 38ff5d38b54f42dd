"""The log of authorization decisions, so a notebook can ask *why* a request was allowed or denied.

AWS does not tell a caller which statement decided (its AccessDenied message names only the kind
of policy). The offline AWS keeps each decision it makes for an IAM user or a session: in-process
`recent_decisions()`, at the endpoint `GET /_lab/decisions?access_key_id=...&limit=...`. Each is
an `iam.decisions.DecisionRecord`, built only when someone asks.

The log stays process-wide rather than per account (the `state` rule's exception): it is the
lab's trace of the requests this process answered, not data an AWS account holds; readers look
decisions up by access key, whatever the account; it is bounded (the newest 500); and the course's
tests wrap `record` to see every refusal. `engine.reset()` clears it (`clear`).
"""

from __future__ import annotations

import collections
import functools
import itertools
import re
import threading
from dataclasses import dataclass

from .. import clock, routes
from ..errors import AwsError
from ..iam import Decision
from ..iam.decisions import DecisionRecord, record_of
from .callers import Caller


@dataclass
class _Logged:
    """One decision as the log keeps it; its record is built only if someone asks why."""

    decision: Decision
    principal_arn: str
    access_key_id: str
    service: str
    error_code: str | None
    error_message: str | None
    at: float
    sequence: int

    @functools.cached_property
    def record(self) -> DecisionRecord:
        return record_of(
            self.decision,
            principal_arn=self.principal_arn,
            access_key_id=self.access_key_id,
            service=self.service,
            error_code=self.error_code,
            error_message=self.error_message,
            at=self.at,
            sequence=self.sequence,
        )


_lock = threading.Lock()
_log: collections.deque[_Logged] = collections.deque(maxlen=500)
_sequence = itertools.count(1)


def recent_decisions(access_key_id: str | None = None, limit: int = 50) -> list[DecisionRecord]:
    """The newest decisions first, optionally for one access key (the lab administrator's calls
    are not evaluated, so not logged)."""
    with _lock:
        found = [entry for entry in reversed(_log) if access_key_id in (None, entry.access_key_id)]
    return [entry.record for entry in found[:limit]]


def record(caller: Caller, service: str, decision: Decision, refusal: AwsError | None) -> None:
    """Keep `decision`, made for `caller` at `service`, and AWS's answer if it refused."""
    with _lock:
        _log.append(
            _Logged(
                decision,
                caller.arn,
                caller.access_key_id,
                service,
                refusal.aws_code if refusal else None,
                refusal.message if refusal else None,
                clock.now(),
                next(_sequence),
            )
        )


def clear() -> None:
    with _lock:
        _log.clear()


def _serve_decisions(request: routes.Request, match: re.Match[str]) -> routes.Response:
    """`GET /_lab/decisions?access_key_id=...&limit=...`: the newest decisions, as records."""
    found = recent_decisions(request.query.get("access_key_id"), int(request.query.get("limit", 50)))
    return routes.Response.json([entry.to_dict() for entry in found])


ROUTES = (routes.Route("IAM decisions", "/_lab/decisions", _serve_decisions, local=True),)
