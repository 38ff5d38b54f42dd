"""An authenticator app's clock: its codes change every 30 seconds, and Cognito takes each once.

A TOTP code is HMAC-SHA1(secret, the number of 30-second steps since 1970), cut to 6 digits
(RFC 6238; pyotp computes it in the notebook, as the app on your phone does). Cognito accepts the
code of now, 30 s either side, and each code once ("Your software token has already been used
once."). A lesson that has just used a code needs the next one: `wait_for_next_code` waits for the
next 30-second step on the clock of the lab's AWS. Offline that clock is the lab's and moves at once;
on real AWS it is time itself, so this waits (30 s at most).
"""

from __future__ import annotations

import time

from helpers.lab import AWS, Lab

STEP = 30  # seconds per code (Cognito's TOTP: 6 digits, 30 s, SHA-1)


def wait_for_next_code(lab: Lab) -> str:
    """Wait until the next 30-second step has begun; says how long that was."""
    now = lab.now()
    wait = STEP - now % STEP + 1  # a second into the next step
    if lab.backend == AWS:
        time.sleep(wait)
        return f"Waited {wait:.0f} s for the authenticator app's next code."
    lab.advance_clock(wait)
    return "The lab's clock moved to the authenticator app's next code (up to 30 s; on real AWS this waits)."
