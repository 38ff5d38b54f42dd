"""The STS operations the engine answers itself: moto's `TokenResponse` methods, patched.

* AssumeRole: moto's answer, then the offline clock's expiry and the session's policy and tags
  remembered (`assumerole`); the trust check runs earlier, in the authorization layer, because
  AWS refuses before it does anything else (STS API AssumeRole, Errors).
* AssumeRoleWithWebIdentity: replaced whole (`webidentity`), answered in STS's XML (STS API
  AssumeRoleWithWebIdentity, Response Elements).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from moto.moto_api._internal import mock_random

from .. import clock
from ..patching import Patches
from . import assumerole, trust, webidentity
from .exceptions import AccessDenied, ValidationError


def _wrap_assume_role(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def assume_role(response: Any) -> Any:
        result = original(response)
        assumed = result.result["Credentials"]  # moto's AssumedRole
        duration = response._get_int_param("DurationSeconds", 3600)
        assumed.expiration = clock.utcnow() + datetime.timedelta(seconds=duration)
        assumerole.remember(
            response.current_account,
            assumed.access_key_id,
            role_arn=response._get_param("RoleArn"),
            session_name=response._get_param("RoleSessionName"),
            duration=duration,
            tags=assumerole.session_tags(response),
            policy=response._get_param("Policy"),
        )
        return result

    return assume_role


def assume_role_with_web_identity(response: Any) -> str:
    """Replacement for moto's `TokenResponse.assume_role_with_web_identity`."""
    account_id = response.current_account
    role_arn = response._get_param("RoleArn")
    session_name = response._get_param("RoleSessionName")
    duration = int(response._get_param("DurationSeconds") or webidentity.DEFAULT_DURATION_SECONDS)
    if duration < webidentity.MIN_DURATION_SECONDS:
        raise ValidationError(
            f"1 validation error detected: Value '{duration}' at 'durationSeconds' failed to satisfy "
            f"constraint: Member must have value greater than or equal to {webidentity.MIN_DURATION_SECONDS}"
        )
    session_policies = webidentity.session_policies(
        account_id, response._get_param("Policy"), response._get_param("PolicyArns") or []
    )
    identity = webidentity.verified_identity(account_id, response._get_param("WebIdentityToken") or "")
    try:
        role = trust.find_role(account_id, role_arn)
        webidentity.check_trust(role, identity, {})
    except trust.TrustDenied as denied:
        raise AccessDenied(webidentity.NOT_AUTHORIZED) from denied
    if duration > int(role.max_session_duration or webidentity.DEFAULT_DURATION_SECONDS):
        raise ValidationError(
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
        )
    credentials = webidentity.assume_role_for_web_identity(
        account_id=account_id,
        region=response.region,
        role=role,
        session_name=session_name,
        duration=duration,
        identity=identity,
        extra_context={},
        session_policies=session_policies,
        source="sts:AssumeRoleWithWebIdentity",
    )
    return _response_xml(credentials, identity)


def _response_xml(credentials: webidentity.Credentials, identity: webidentity.WebIdentity) -> str:
    expiration = credentials.expiration.strftime("%Y-%m-%dT%H:%M:%SZ")
    # Provider: "For OpenID Connect ID tokens, this contains the value of the iss field"
    # (STS API). For Cognito Identity we answer its host name, the principal trust policies
    # name (UNCONFIRMED exact text).
    return (
        '<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        "<AssumeRoleWithWebIdentityResult>"
        f"<SubjectFromWebIdentityToken>{identity.subject}</SubjectFromWebIdentityToken>"
        f"<Audience>{identity.audience}</Audience>"
        "<AssumedRoleUser>"
        f"<Arn>{credentials.assumed_role_arn}</Arn>"
        f"<AssumedRoleId>{credentials.assumed_role_id}</AssumedRoleId>"
        "</AssumedRoleUser>"
        "<Credentials>"
        f"<SessionToken>{credentials.session_token}</SessionToken>"
        f"<SecretAccessKey>{credentials.secret_access_key}</SecretAccessKey>"
        f"<Expiration>{expiration}</Expiration>"
        f"<AccessKeyId>{credentials.access_key_id}</AccessKeyId>"
        "</Credentials>"
        f"<Provider>{identity.issuer}</Provider>"
        "</AssumeRoleWithWebIdentityResult>"
        f"<ResponseMetadata><RequestId>{mock_random.uuid4()}</RequestId></ResponseMetadata>"
        "</AssumeRoleWithWebIdentityResponse>"
    )


def install(patches: Patches) -> None:
    from moto.sts.responses import TokenResponse

    patches.wrap(TokenResponse, "assume_role", _wrap_assume_role)
    patches.replace(TokenResponse, "assume_role_with_web_identity", assume_role_with_web_identity)
