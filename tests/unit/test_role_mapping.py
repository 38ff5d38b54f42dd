"""Identity-pool role mapping rules (Cognito DG "Role-based access control")."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

import helpers.offline


def _load_alone(relative: str) -> ModuleType:
    """An engine module that needs nothing from its package, loaded from its file alone.

    `rolemapping` is pure, but importing it by name runs `cognitoidentity/__init__.py`, which imports
    the identity pool API's moto handlers; this tier must stay free of moto. The copy gets a name of
    its own (dataclasses look their module up in `sys.modules`), never the engine's.
    """
    path = Path(helpers.offline.__file__).parent / relative
    name = f"_unit_tier_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = sys.modules[name] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


rolemapping = _load_alone("cognitoidentity/rolemapping.py")
Resolution, Rule = rolemapping.Resolution, rolemapping.Rule

DEFAULT = "arn:aws:iam::123456789012:role/authenticated"
ADMIN = "arn:aws:iam::123456789012:role/admin"
READER = "arn:aws:iam::123456789012:role/reader"


def rules_mapping(*rules: Rule, ambiguous: str = "AuthenticatedRole") -> rolemapping.RoleMapping:
    return rolemapping.RoleMapping("Rules", ambiguous, rules)


@pytest.mark.parametrize(
    ("match_type", "value", "claim", "matches"),
    [
        ("Equals", "paid", "paid", True),
        ("Equals", "paid", "paid-plus", False),
        ("Contains", "dev", "web-dev-team", True),
        ("Contains", "ops", "web-dev-team", False),
        ("StartsWith", "web", "web-dev-team", True),
        ("StartsWith", "dev", "web-dev-team", False),
        ("NotEqual", "paid", "free", True),
        ("NotEqual", "paid", "paid", False),
    ],
)
def test_match_types(match_type: str, value: str, claim: str, matches: bool) -> None:
    rule = Rule("custom:plan", match_type, value, ADMIN)
    assert rolemapping.rule_matches(rule, {"custom:plan": claim}) is matches


@pytest.mark.parametrize("match_type", ["Equals", "Contains", "StartsWith", "NotEqual"])
def test_a_missing_claim_matches_no_rule_not_even_not_equal(match_type: str) -> None:
    """DG: a NotEqual rule whose claim is absent is skipped."""
    assert not rolemapping.rule_matches(Rule("custom:plan", match_type, "paid", ADMIN), {"sub": "x"})


def test_boolean_claims_compare_as_written_in_the_token() -> None:
    assert rolemapping.rule_matches(Rule("email_verified", "Equals", "true", ADMIN), {"email_verified": True})


def test_list_claims_match_any_element() -> None:
    groups = {"cognito:groups": ["readers", "admins"]}
    assert rolemapping.rule_matches(Rule("cognito:groups", "Equals", "admins", ADMIN), groups)
    assert not rolemapping.rule_matches(Rule("cognito:groups", "NotEqual", "admins", ADMIN), groups)


def test_first_matching_rule_wins() -> None:
    mapping = rules_mapping(
        Rule("custom:team", "StartsWith", "web", READER),
        Rule("custom:team", "Contains", "dev", ADMIN),
    )
    assert rolemapping.resolve(mapping, {"custom:team": "web-dev"}, DEFAULT) == Resolution(READER, "rule:1")
    assert rolemapping.resolve(mapping, {"custom:team": "app-dev"}, DEFAULT) == Resolution(ADMIN, "rule:2")


@pytest.mark.parametrize(
    ("ambiguous", "expected"),
    [
        ("AuthenticatedRole", Resolution(DEFAULT, "ambiguous:AuthenticatedRole")),
        ("Deny", Resolution(None, "ambiguous:Deny")),
    ],
)
def test_no_rule_matches(ambiguous: str, expected: Resolution) -> None:
    mapping = rules_mapping(Rule("custom:team", "Equals", "ops", ADMIN), ambiguous=ambiguous)
    assert rolemapping.resolve(mapping, {"custom:team": "web"}, DEFAULT) == expected


def test_without_a_mapping_the_default_authenticated_role() -> None:
    assert rolemapping.resolve(None, {}, DEFAULT) == Resolution(DEFAULT, "default")
    assert rolemapping.resolve(None, {}, None) == Resolution(None, "default")


def test_token_mapping_prefers_the_preferred_role() -> None:
    mapping = rolemapping.RoleMapping("Token", "Deny")
    claims = {"cognito:roles": [READER, ADMIN], "cognito:preferred_role": READER}
    assert rolemapping.resolve(mapping, claims, DEFAULT) == Resolution(READER, "preferred_role")


def test_token_mapping_custom_role_must_be_one_of_the_tokens_roles() -> None:
    mapping = rolemapping.RoleMapping("Token", "AuthenticatedRole")
    claims = {"cognito:roles": [READER, ADMIN], "cognito:preferred_role": READER}
    assert rolemapping.resolve(mapping, claims, DEFAULT, ADMIN) == Resolution(ADMIN, "custom_role")
    assert rolemapping.resolve(mapping, claims, DEFAULT, DEFAULT) == Resolution(None, "custom_role_refused")


def test_token_roles_claim_may_be_a_comma_separated_string() -> None:
    """The DG describes cognito:roles as a comma-separated string; tokens carry an array."""
    mapping = rolemapping.RoleMapping("Token", "Deny")
    claims = {"cognito:roles": f"{READER},{ADMIN}"}
    assert rolemapping.resolve(mapping, claims, DEFAULT, ADMIN) == Resolution(ADMIN, "custom_role")


@pytest.mark.parametrize(
    ("ambiguous", "expected"),
    [
        ("AuthenticatedRole", Resolution(DEFAULT, "ambiguous:AuthenticatedRole")),
        ("Deny", Resolution(None, "ambiguous:Deny")),
    ],
)
def test_token_mapping_without_a_preferred_role(ambiguous: str, expected: Resolution) -> None:
    """Groups that tie with different roles leave no preferred_role (DG user groups)."""
    mapping = rolemapping.RoleMapping("Token", ambiguous)
    assert rolemapping.resolve(mapping, {"cognito:roles": [READER, ADMIN]}, DEFAULT) == expected


def _rule(**overrides: str) -> dict[str, str]:
    return {"Claim": "custom:team", "MatchType": "Equals", "Value": "ops", "RoleARN": ADMIN, **overrides}


def test_parse_accepts_token_and_rules_mappings() -> None:
    parsed = rolemapping.parse_role_mappings(
        {
            "accounts.google.com": {"Type": "Token", "AmbiguousRoleResolution": "Deny"},
            "pool:client": {
                "Type": "Rules",
                "AmbiguousRoleResolution": "AuthenticatedRole",
                "RulesConfiguration": {"Rules": [_rule()]},
            },
        }
    )
    assert parsed["accounts.google.com"] == rolemapping.RoleMapping("Token", "Deny")
    assert parsed["pool:client"].rules == (Rule("custom:team", "Equals", "ops", ADMIN),)


@pytest.mark.parametrize(
    ("mapping", "code", "fragment"),
    [
        ({"Type": "Groups", "AmbiguousRoleResolution": "Deny"}, "ValidationException", "[Token, Rules]"),
        ({"Type": "Token"}, "InvalidParameterException", "AmbiguousRoleResolution"),
        (
            {"Type": "Token", "AmbiguousRoleResolution": "Allow"},
            "ValidationException",
            "[AuthenticatedRole, Deny]",
        ),
        (
            {"Type": "Rules", "AmbiguousRoleResolution": "Deny"},
            "InvalidParameterException",
            "RulesConfiguration",
        ),
        (
            {
                "Type": "Rules",
                "AmbiguousRoleResolution": "Deny",
                "RulesConfiguration": {"Rules": [_rule()] * 26},
            },
            "ValidationException",
            "less than or equal to 25",
        ),
        (
            {
                "Type": "Rules",
                "AmbiguousRoleResolution": "Deny",
                "RulesConfiguration": {"Rules": [_rule(MatchType="Like")]},
            },
            "ValidationException",
            "[Equals, Contains, StartsWith, NotEqual]",
        ),
        (
            {
                "Type": "Rules",
                "AmbiguousRoleResolution": "Deny",
                "RulesConfiguration": {"Rules": [_rule(Claim="c" * 65)]},
            },
            "ValidationException",
            "less than or equal to 64",
        ),
        (
            {
                "Type": "Rules",
                "AmbiguousRoleResolution": "Deny",
                "RulesConfiguration": {"Rules": [_rule(Value="v" * 129)]},
            },
            "ValidationException",
            "less than or equal to 128",
        ),
    ],
)
def test_parse_refuses_what_aws_refuses(mapping: dict, code: str, fragment: str) -> None:
    with pytest.raises(rolemapping.InvalidRoleMapping) as raised:
        rolemapping.parse_role_mappings({"pool:client": mapping})
    assert raised.value.code == code
    assert fragment in raised.value.message


def test_at_most_ten_role_mappings() -> None:
    many = {f"provider{i}": {"Type": "Token", "AmbiguousRoleResolution": "Deny"} for i in range(11)}
    with pytest.raises(rolemapping.InvalidRoleMapping) as raised:
        rolemapping.parse_role_mappings(many)
    assert "less than or equal to 10" in raised.value.message
