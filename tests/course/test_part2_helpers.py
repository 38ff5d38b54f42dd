"""Part 2's helpers (notebooks 06-09): lesson pools, members with groups and departments, the
stand-in identity provider in-process and at an endpoint, basic-flow token checks, new error
sentences, and run_matrix naming principals it was told about."""

from __future__ import annotations

from typing import Any

import jwt
import pytest
from botocore.exceptions import ClientError

from helpers import access, errors, federation, identitypool, lab, policies, storage, teams, tokens
from helpers.lab import Lab, LabError
from helpers.offline import server


def _lesson_pool(course_lab: Lab, base: str, **kwargs: Any) -> tuple[identitypool.IdentityPoolSetup, str]:
    setup = identitypool.ensure_identity_pool_with_roles(course_lab)
    provider = identitypool.provider_name(course_lab, setup.user_pool_id)
    pool_id, _ = teams.ensure_lesson_pool(
        course_lab, teams.pool_request(course_lab, base, providers=[(provider, setup.client_id)], **kwargs)
    )
    return setup, pool_id


def test_lesson_pool_is_found_then_updated_when_settings_differ(offline: Lab) -> None:
    setup, pool_id = _lesson_pool(offline, "groups")
    provider = identitypool.provider_name(offline, setup.user_pool_id)
    request = teams.pool_request(offline, "groups", providers=[(provider, setup.client_id)])
    assert teams.ensure_lesson_pool(offline, request) == (pool_id, "found")
    classic = teams.pool_request(offline, "groups", providers=[(provider, setup.client_id)], classic=True)
    assert teams.ensure_lesson_pool(offline, classic) == (pool_id, "updated")
    described = offline.client("cognito-identity").describe_identity_pool(IdentityPoolId=pool_id)
    assert described["AllowClassicFlow"] is True
    assert described["IdentityPoolTags"] == offline.tags


def test_member_gets_groups_and_department_in_the_token(
    offline: Lab, capsys: pytest.CaptureFixture[str]
) -> None:
    setup, _ = _lesson_pool(offline, "groups")
    role, _ = identitypool.ensure_role(
        offline, "editor-role", identitypool.trust_policy("x", "authenticated")
    )
    assert teams.ensure_group(offline, setup.user_pool_id, "editors", role, 1) == "group editors (created)"
    assert teams.ensure_group(offline, setup.user_pool_id, "editors", role, 1) == "group editors (found)"
    assert teams.ensure_group(offline, setup.user_pool_id, "editors", role, 2) == "group editors (updated)"
    user = teams.ensure_member(offline, "carol", department="engineering", groups=["editors"]).user
    claims = tokens.claims(user.id_token)
    assert claims["cognito:groups"] == ["editors"]
    assert claims["cognito:preferred_role"] == role
    assert claims[teams.DEPARTMENT_CLAIM] == "engineering"
    again = teams.ensure_member(offline, "carol", department="sales", groups=["editors"]).user
    assert tokens.claims(again.id_token)[teams.DEPARTMENT_CLAIM] == "sales"
    assert "attribute custom:department (found)" in capsys.readouterr().out


def test_tag_session_trust_policy_adds_only_the_action() -> None:
    plain = identitypool.trust_policy("us-east-1:pool", "authenticated")
    tagging = teams.tag_session_trust_policy("us-east-1:pool")
    assert tagging["Statement"][0]["Action"] == ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"]
    tagging["Statement"][0]["Action"] = plain["Statement"][0]["Action"]
    assert tagging == plain


def test_department_policy_reads_only_the_tagged_prefix(offline: Lab) -> None:
    setup, pool_id = _lesson_pool(offline, "teams")
    notes = storage.ensure_notes_storage(offline, setup)
    role, _ = identitypool.ensure_role(offline, "department-role", teams.tag_session_trust_policy(pool_id))
    storage.put_role_policy_if_changed(
        offline, role.split("/")[-1], policies.department_role_policy(notes.bucket)
    )
    identity = offline.client("cognito-identity")
    provider = identitypool.provider_name(offline, setup.user_pool_id)
    identity.set_identity_pool_roles(IdentityPoolId=pool_id, Roles={"authenticated": role})
    identity.set_principal_tag_attribute_map(
        IdentityPoolId=pool_id,
        IdentityProviderName=provider,
        PrincipalTags={"department": teams.DEPARTMENT_CLAIM},
    )
    dave = teams.ensure_member(offline, "dave", department="engineering").user
    identity_id, credentials = teams.credentials_with(offline, pool_id, identitypool.logins(dave.id_token))
    assert teams.role_of(offline, credentials) == role.split("/")[-1]
    s3 = offline.client("s3")
    for department in ("engineering", "sales"):
        s3.put_object(Bucket=notes.bucket, Key=f"departments/{department}/plan.txt", Body=b"plan")

    def operations(s3: Any, dynamodb: Any, me: str) -> dict[str, Any]:
        return {
            d: (lambda d=d: s3.get_object(Bucket=notes.bucket, Key=f"departments/{d}/plan.txt"))
            for d in ("engineering", "sales")
        }

    matrix = access.run_matrix(offline, [access.Principal("Dave", identity_id, credentials)], operations)
    assert matrix.pattern() == {"Dave": "✓✗"}


def test_run_matrix_names_the_principals_it_is_told_about(offline: Lab) -> None:
    setup = identitypool.ensure_identity_pool_with_roles(offline)
    notes = storage.ensure_notes_storage(offline, setup)
    guest = access.Principal("guest", *identitypool.credentials_for(offline, setup.identity_pool_id, None))
    other = access.Principal("Other", "us-east-1:00000000-0000-0000-0000-000000000000", guest.credentials)

    def operations(s3: Any, dynamodb: Any, me: str) -> dict[str, Any]:
        key = f"private/{other.identity_id}/note.txt"
        return {"read other's": lambda: s3.get_object(Bucket=notes.bucket, Key=key)}

    plain = access.run_matrix(offline, [guest], operations).outcome("guest", "read other's")
    named = access.run_matrix(offline, [guest], operations, named=[other]).outcome("guest", "read other's")
    assert other.identity_id in (plain.message or "")
    assert "<Other's identity id>" in (named.message or "") and other.identity_id not in (named.message or "")


def test_stand_in_idp_in_process_and_at_an_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    in_process = Lab("test_part2")
    token = federation.sign_in_with_example_idp(in_process, "frank", email="frank@example.com")
    claims = tokens.claims(token)
    assert (claims["iss"], claims["aud"], claims["email"]) == (
        federation.EXAMPLE_ISSUER,
        federation.EXAMPLE_CLIENT,
        "frank@example.com",
    )
    lab.stop_offline()
    endpoint = server.serve()
    try:
        monkeypatch.setenv(lab.ENV_ENDPOINT, endpoint.url)
        local = Lab("test_part2")
        remote = tokens.claims(federation.sign_in_with_example_idp(local, "frank"))
        assert remote["sub"] == claims["sub"] and remote["iss"] == federation.EXAMPLE_ISSUER
        assert "keys" in federation.cognito_identity_jwks(local)
    finally:
        endpoint.stop()
        monkeypatch.delenv(lab.ENV_ENDPOINT)


def test_stand_in_idp_on_real_aws_says_why_not(capsys: pytest.CaptureFixture[str]) -> None:
    real = object.__new__(Lab)  # no account is contacted: only the backend matters here
    real.backend = lab.AWS
    assert federation.example_idp_available(real) is False
    assert "can't reach the lab's stand-in provider" in capsys.readouterr().out
    with pytest.raises(LabError, match="stand-in provider"):
        federation.sign_in_with_example_idp(real, "frank")
    with pytest.raises(LabError, match="stand-in provider"):  # one per account: learners would share it
        federation.ensure_example_oidc_provider(real)


def test_oidc_provider_and_basic_flow_token_verification(offline: Lab) -> None:
    arn, note = federation.ensure_example_oidc_provider(offline)
    assert (arn.endswith("oidc-provider/accounts.example.com"), note) == (True, "created")
    assert federation.ensure_example_oidc_provider(offline) == (arn, "found")
    _, pool_id = _lesson_pool(offline, "classic", guests=True, classic=True)
    identity = offline.client("cognito-identity")
    guest = identity.get_id(IdentityPoolId=pool_id)["IdentityId"]
    token = identity.get_open_id_token(IdentityId=guest)["Token"]
    claims = federation.verify_open_id_token(offline, token, pool_id)
    assert (claims["sub"], claims["aud"]) == (guest, pool_id)
    with pytest.raises(jwt.InvalidAudienceError) as wrong_pool:
        federation.verify_open_id_token(offline, token, "us-east-1:another-pool")
    offline.advance_clock(601)
    with pytest.raises(jwt.ExpiredSignatureError) as expired:
        federation.verify_open_id_token(offline, token, pool_id)
    # The "Why" line names this token's fix (notebook 09 once told learners to use a refresh token).
    assert errors.explain(expired.value).startswith("A basic-flow token lives 10 minutes")
    assert "GetOpenIdToken" in errors.explain(expired.value)
    assert "identity pool" in errors.explain(wrong_pool.value)
    # A user pool token's expiry, checked by PyJWT itself, keeps its own fix.
    assert "refresh token" in errors.explain(jwt.ExpiredSignatureError("Signature has expired"))


def test_a_wrong_logins_key_is_explained_for_any_provider() -> None:
    """AWS says "Issuer doesn't match providerName" for a user pool's key and for an OpenID Connect
    provider's key written with https:// (notebook 08): the sentence must hold for both."""
    error = ClientError(
        {
            "Error": {
                "Code": "NotAuthorizedException",
                "Message": "Invalid login token. Issuer doesn't match providerName",
            }
        },
        "GetId",
    )
    sentence = errors.explain(error)
    assert "without https://" in sentence
    assert "cognito-idp.<region>.amazonaws.com/<user pool id>" in sentence and "OpenID Connect" in sentence


@pytest.mark.parametrize(
    ("code", "message", "words"),
    [
        (
            "NotAuthorizedException",
            "Access to Role 'arn:aws:iam::123456789012:role/x' is forbidden.",
            "CustomRoleArn",
        ),
        ("NotAuthorizedException", "The ambiguous role mapping rules for: p:c denied this request.", "Deny"),
        (
            "InvalidParameterException",
            "Basic (classic) flow is not enabled, please use enhanced flow.",
            "Classic",
        ),
        (
            "InvalidParameterException",
            "Basic (classic) flow is not supported with RoleMappings, please use enhanced flow.",
            "role mappings",
        ),
        (
            "NotAuthorizedException",
            "This identity pool does not support the specified developer provider",
            "Developer",
        ),
        ("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", "trust policy"),
    ],
)
def test_new_errors_have_their_own_sentence(code: str, message: str, words: str) -> None:
    """Each error part 2 shows gets a sentence of its own, not the generic fallback."""
    error = ClientError({"Error": {"Code": code, "Message": message}}, "Call")
    assert words in errors.explain(error)
