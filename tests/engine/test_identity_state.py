"""STS sessions and identity pool state are kept the way moto keeps backends, and reset with them.

`state.StateDict` keeps them per account (sessions: account-wide) and per region (identity pools:
the region their ids name), so two accounts never share one by accident, and moto's own reset
(which `engine.reset()`, a new `mock_aws` and `POST /moto-api/reset` all make) forgets them.
"""

from __future__ import annotations

import json
import subprocess
import sys

# A fresh interpreter: resetting moto here would wipe the state of other tests in this process.
_SCRIPT = r"""
import json
from helpers.offline import engine
from helpers.offline.cognitoidentity import models
from helpers.offline.sts import sessions

A, B = "111111111111", "222222222222"
with engine.in_process():
    session = sessions.Session("ASIAEXAMPLE", f"arn:aws:iam::{A}:role/reader", "s", 0.0)
    sessions.register(A, session)
    identity = models.new_identity(A, "eu-west-1:0000")
    before = {
        "own account": sessions.lookup(A, "ASIAEXAMPLE") is session,
        "other account": sessions.lookup(B, "ASIAEXAMPLE"),
        "identity's region": identity.identity_id in models.states.get(A, "eu-west-1").identities,
        "other region": len(models.states.get(A, "us-east-1").identities),
        "other account's region": len(models.states.get(B, "eu-west-1").identities),
    }
    engine.reset()
    after = {
        "session": sessions.lookup(A, "ASIAEXAMPLE"),
        "identities": len(models.states.get(A, "eu-west-1").identities),
    }
print(json.dumps({"before": before, "after": after}))
"""


def test_sessions_and_identities_are_per_account_and_region_and_reset_with_moto() -> None:
    done = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True, check=True)
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["before"] == {
        "own account": True,
        "other account": None,
        "identity's region": True,
        "other region": 0,
        "other account's region": 0,
    }
    assert report["after"] == {"session": None, "identities": 0}
