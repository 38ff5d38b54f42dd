"""Identity-pool role mapping: which IAM role a signed-in user gets, as a pure function.

An identity pool picks the role for an authenticated identity in one of three ways
(Cognito Developer Guide, "Role-based access control", role-based-access-control.md):

* no RoleMapping for the login's provider: the pool's default authenticated role;
* `Type: Token`: the token's `cognito:roles` / `cognito:preferred_role` claims, which a
  user pool sets from the user's groups. A `CustomRoleArn` in the request wins if it is
  one of `cognito:roles`, and is refused if not; otherwise `cognito:preferred_role`;
  otherwise the mapping's `AmbiguousRoleResolution`;
* `Type: Rules`: the first rule (in order) whose claim matches, else
  `AmbiguousRoleResolution`. A `NotEqual` rule whose claim is missing does not match.

`AmbiguousRoleResolution` is `AuthenticatedRole` (fall back to the default authenticated
role) or `Deny`. Limits (botocore cognito-identity model and the DG): at most 10 role
mappings, 1 to 25 rules per mapping, claim names of 1..64 and values of 1..128 characters.

Nothing here touches moto, so the logic is unit-tested on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

TOKEN = "Token"
RULES = "Rules"
AUTHENTICATED_ROLE = "AuthenticatedRole"
DENY = "Deny"
MATCH_TYPES = ("Equals", "Contains", "StartsWith", "NotEqual")
MAX_ROLE_MAPPINGS = 10
MAX_RULES = 25
MAX_CLAIM_LENGTH = 64
MAX_VALUE_LENGTH = 128


class InvalidRoleMapping(ValueError):
    """A RoleMappings value AWS would refuse; `.code` is the AWS error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Rule:
    claim: str
    match_type: str
    value: str
    role_arn: str


@dataclass(frozen=True)
class RoleMapping:
    type: str
    ambiguous_role_resolution: str | None
    rules: tuple[Rule, ...] = ()


@dataclass(frozen=True)
class Resolution:
    """The outcome: `role_arn` None means no credentials; `basis` says why, for errors and learners.

    basis is one of: "default", "custom_role", "preferred_role", "rule:<n>" (1-based),
    "ambiguous:AuthenticatedRole", "ambiguous:Deny", "custom_role_refused".
    """

    role_arn: str | None
    basis: str


def _validation_error(value: object, path: str, constraint: str) -> InvalidRoleMapping:
    # The wording every AWS JSON (Coral) service uses for a model constraint.
    return InvalidRoleMapping(
        "ValidationException",
        f"1 validation error detected: Value '{value}' at '{path}' "
        f"failed to satisfy constraint: {constraint}",
    )


def parse_role_mappings(role_mappings: Mapping[str, Any]) -> dict[str, RoleMapping]:
    """Check a SetIdentityPoolRoles `RoleMappings` value and return it parsed.

    Raises InvalidRoleMapping. Model constraints (enums, lengths, counts) use AWS's
    generic "1 validation error detected" text; the two semantic checks (a Rules mapping
    without rules, a mapping without AmbiguousRoleResolution) have no published message,
    so theirs is our wording (UNCONFIRMED).
    """
    if len(role_mappings) > MAX_ROLE_MAPPINGS:
        raise _validation_error(
            "{...}", "roleMappings", f"Member must have length less than or equal to {MAX_ROLE_MAPPINGS}"
        )
    return {key: _parse_mapping(key, mapping) for key, mapping in role_mappings.items()}


def _parse_mapping(key: str, mapping: Mapping[str, Any]) -> RoleMapping:
    path = f"roleMappings.{key}.member"
    kind = mapping.get("Type")
    if kind not in (TOKEN, RULES):
        raise _validation_error(kind, f"{path}.type", "Member must satisfy enum value set: [Token, Rules]")
    ambiguous = mapping.get("AmbiguousRoleResolution")
    if ambiguous is None:
        raise InvalidRoleMapping(
            "InvalidParameterException",
            f"AmbiguousRoleResolution must be specified for RoleMapping {key}.",
        )
    if ambiguous not in (AUTHENTICATED_ROLE, DENY):
        raise _validation_error(
            ambiguous,
            f"{path}.ambiguousRoleResolution",
            "Member must satisfy enum value set: [AuthenticatedRole, Deny]",
        )
    if kind == TOKEN:
        return RoleMapping(TOKEN, ambiguous)
    rules = (mapping.get("RulesConfiguration") or {}).get("Rules")
    if not rules:
        raise InvalidRoleMapping(
            "InvalidParameterException",
            f"RulesConfiguration with at least one rule must be specified for RoleMapping {key}.",
        )
    if len(rules) > MAX_RULES:
        raise _validation_error(
            "[...]",
            f"{path}.rulesConfiguration.rules",
            f"Member must have length less than or equal to {MAX_RULES}",
        )
    return RoleMapping(
        RULES, ambiguous, tuple(_parse_rule(f"{path}.rulesConfiguration.rules", r) for r in rules)
    )


def _parse_rule(path: str, rule: Mapping[str, Any]) -> Rule:
    claim, match_type, value = rule.get("Claim", ""), rule.get("MatchType"), rule.get("Value", "")
    if not 1 <= len(claim) <= MAX_CLAIM_LENGTH:
        raise _validation_error(
            claim, f"{path}.member.claim", f"Member must have length less than or equal to {MAX_CLAIM_LENGTH}"
        )
    if match_type not in MATCH_TYPES:
        raise _validation_error(
            match_type,
            f"{path}.member.matchType",
            "Member must satisfy enum value set: [Equals, Contains, StartsWith, NotEqual]",
        )
    if not 1 <= len(value) <= MAX_VALUE_LENGTH:
        raise _validation_error(
            value, f"{path}.member.value", f"Member must have length less than or equal to {MAX_VALUE_LENGTH}"
        )
    return Rule(claim, match_type, value, rule.get("RoleARN", ""))


def rule_matches(rule: Rule, claims: Mapping[str, Any]) -> bool:
    """Does `rule` match the token? A missing claim matches nothing, NotEqual included.

    A list claim (e.g. `cognito:groups`) matches when any element does, and NotEqual
    when no element equals the value. AWS does not document list claims (UNCONFIRMED).
    """
    if rule.claim not in claims or claims[rule.claim] is None:
        return False
    raw = claims[rule.claim]
    values = [str(v) for v in raw] if isinstance(raw, list | tuple) else [_claim_text(raw)]
    if rule.match_type == "NotEqual":
        return all(v != rule.value for v in values)
    test: Callable[[str], bool] = {
        "Equals": lambda v: v == rule.value,
        "Contains": lambda v: rule.value in v,
        "StartsWith": lambda v: v.startswith(rule.value),
    }[rule.match_type]
    return any(test(v) for v in values)


def _claim_text(value: Any) -> str:
    # JWT booleans arrive as JSON true/false; compare them the way they are written.
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def token_roles(claims: Mapping[str, Any]) -> list[str]:
    """`cognito:roles` as a list: real tokens carry a JSON array, the DG calls it a
    comma-separated string (aws-semantics.md section 6); accept both."""
    raw = claims.get("cognito:roles")
    if raw is None:
        return []
    if isinstance(raw, str):
        return [part.strip() for part in raw.split(",") if part.strip()]
    return [str(role) for role in raw]


def resolve(
    mapping: RoleMapping | None,
    claims: Mapping[str, Any],
    authenticated_role: str | None,
    custom_role_arn: str | None = None,
) -> Resolution:
    """Pick the role for an authenticated identity (see the module docstring)."""
    if mapping is None:
        return Resolution(authenticated_role, "default")
    if mapping.type == TOKEN:
        if custom_role_arn:
            if custom_role_arn in token_roles(claims):
                return Resolution(custom_role_arn, "custom_role")
            return Resolution(None, "custom_role_refused")
        preferred = claims.get("cognito:preferred_role")
        if preferred:
            return Resolution(str(preferred), "preferred_role")
    else:
        for number, rule in enumerate(mapping.rules, start=1):
            if rule_matches(rule, claims):
                return Resolution(rule.role_arn, f"rule:{number}")
    if mapping.ambiguous_role_resolution == AUTHENTICATED_ROLE:
        return Resolution(authenticated_role, "ambiguous:AuthenticatedRole")
    return Resolution(None, "ambiguous:Deny")
