"""Check-yourself quizzes: the learner's answers in a dict, each checked with a sentence on why.

The questions are in the notebook's Markdown; here are only the expected answers and the reasons,
so a wrong answer gets its explanation straight away.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Question:
    key: str
    expected: Any
    why: str


# Notebook 05's quiz.
RECAP = (
    Question(
        "q1_token_in_logins",
        "id",
        "The identity pool checks the token's aud against the app client it lists; "
        "only the ID token has aud.",
    ),
    Question(
        "q2_policy_variable",
        "identity id",
        "${cognito-identity.amazonaws.com:sub} is the identity pool's identity id (region:uuid), "
        "not the user pool's sub claim.",
    ),
    Question(
        "q3_scan_keeps_alice_to_her_items",
        False,
        "Scan has no leading keys, and ForAllValues over an empty set is true: Alice would read every item.",
    ),
    Question(
        "q4_setting_for_guests",
        "AllowUnauthenticatedIdentities",
        "Without it, GetId with no Logins answers 'Unauthenticated access is not supported for this "
        "identity pool.'",
    ),
    Question(
        "q5_pool_charged_per_monthly_active_user",
        "user pool",
        "Cognito charges user pools by monthly active users; identity pools aren't among the charged "
        "dimensions (you pay for the S3 and DynamoDB calls the credentials make).",
    ),
)


def _same(answer: Any, expected: Any) -> bool:
    if isinstance(expected, str):
        return isinstance(answer, str) and answer.strip().lower() == expected.lower()
    return answer is expected if isinstance(expected, bool) else answer == expected


def check(answers: Mapping[str, Any], questions: tuple[Question, ...] = RECAP) -> int:
    """Print right or not-yet for each question, with why; return how many are right.

    A question left out, or answered None (how the notebook's cell starts), has no answer yet: its
    line says so and gives nothing away.
    """
    right = 0
    for question in questions:
        if answers.get(question.key) is None:
            print(f"? {question.key}: no answer yet")
            continue
        if _same(answers[question.key], question.expected):
            right += 1
            print(f"✓ {question.key}: right. {question.why}")
        else:
            print(f"✗ {question.key}: not quite ({answers[question.key]!r}). {question.why}")
    print(f"{right} of {len(questions)} right.")
    return right


# Notebook 05's exercise: which pool stores what.
STORES = (
    Question(
        "alice_email",
        "user pool",
        "The user pool is the directory: it keeps each user's attributes, email and email_verified included.",
    ),
    Question(
        "alice_identity_id",
        "identity pool",
        "GetId hands it out and the identity pool keeps it; IAM sees it as "
        "${cognito-identity.amazonaws.com:sub}.",
    ),
    Question(
        "guest_role",
        "identity pool",
        "SetIdentityPoolRoles stores the authenticated and unauthenticated roles on the identity pool.",
    ),
    Question(
        "password_policy",
        "user pool",
        "Passwords are the user pool's business: its Policies.PasswordPolicy is checked at sign-up.",
    ),
    Question(
        "logins_link",
        "identity pool",
        "The identity pool records which providers' sign-ins an identity belongs to (its Logins).",
    ),
)
