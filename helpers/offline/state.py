"""Engine state kept the way moto keeps its backends: per account and region, reset with moto.

moto keeps each service's data in a `BackendDict`: `backends[account_id][region]` is a
`BaseBackend` made on first use, and moto's reset (a new `mock_aws`, `POST /moto-api/reset`,
`engine.reset()`) resets every `BackendDict` in use. The engine keeps what it adds to a service
(sign-ins, codes, identities, sessions, ...) the same way: a package's `models.py` subclasses
`EngineState` and makes one `state_dict(...)`, so its data is per account and region, forgotten
with moto's, and never shared by two accounts by accident.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from moto.core.base_backend import BackendDict, BaseBackend

GLOBAL = "global"  # the "region" of account-wide state (moto spells it "aws" inside)


class EngineState(BaseBackend):
    """Base class of a package's state. Subclasses set their fields in `__init__(region, account)`:
    moto's reset calls `__init__` again on a blank object."""


State = TypeVar("State", bound=EngineState)


class StateDict(Generic[State]):
    """`states[account_id][region]` for one service's engine state (a typed `BackendDict`)."""

    def __init__(self, state: type[State], service: str, *, account_wide: bool = False) -> None:
        # Account-wide state lives in the one "global" region, as moto keeps IAM's: moto reads
        # "global" as the partition's name, "aws", so that is the region to declare.
        self._backends: BackendDict[State] = BackendDict(
            state,
            service,
            use_boto3_regions=not account_wide,
            additional_regions=["aws"] if account_wide else None,
        )
        self._account_wide = account_wide

    def get(self, account_id: str, region: str = GLOBAL) -> State:
        """This account's state in `region` (made on first use)."""
        return self._backends[account_id][GLOBAL if self._account_wide else region]

    def every(self) -> list[State]:
        """Every state made so far, in every account and region."""
        return [backend for _, _, backend in self._backends.iter_backends()]  # type: ignore[misc]
