"""Cognito User Pools as AWS runs them: passwords proven, codes checked, tokens honest.

moto 5.2.5 gets the shape of User Pools right but lets a learner get away with things AWS never
allows (moto-fidelity.md). This package closes those gaps, split the way moto splits a service:

* `exceptions`: one class per AWS error code, and AWS's words for each;
* `models`: the engine's state per account and region (sign-ins, codes, SRP challenges, keys,
  sent messages), reset with moto, and finding moto's pools and clients;
* `keys`: each pool's two RSA signing keys, its JWKS, and verifying that a pool signed a token;
* `tokens`: claims, lifetimes from the app client, minting and checking tokens;
* `lifecycle`: refresh (REFRESH_TOKEN_AUTH, GetTokensFromRefreshToken), refresh-token rotation,
  RevokeToken, GlobalSignOut;
* `triggers` and `pretoken`: the pool's Lambda triggers (pre sign-up, post confirmation, pre
  authentication, custom message; pre token generation V1_0/V2_0/V3_0), invoked through the
  offline Lambda when the function's resource policy allows Cognito;
* `srp`: USER_SRP_AUTH that really proves the password;
* `codes` and `mailbox`: confirmation and reset codes, "sent" to the offline outbox;
* `clients`: app client settings (flows, secret hash, attribute permissions, update semantics);
* `attributes`: the schema's required attributes and the password policy;
* `plans`: feature plans (UserPoolTier) and what each allows;
* `sessions`: the Session of challenge-based sign-in, emailed one-time codes, the tokens at the end;
* `userauth`: choice-based sign-in (USER_AUTH, SELECT_CHALLENGE, passwordless first factors);
* `mfa`: the pool's MFA configuration, TOTP and email MFA, MFA after the first factor;
* `passkeys`: WebAuthn registration, the user's passkeys, the WEB_AUTHN challenge;
* `responses`: the patched `CognitoIdpResponse` methods; `urls`: JWKS, OpenID configuration and
  `/_lab/mailbox` in the engine's route table.

Error texts are AWS's own where a public source shows them; the ones no source confirms are
marked UNCONFIRMED in `exceptions`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import (
    attributes,
    clients,
    keys,
    lifecycle,
    mailbox,
    mfa,
    models,
    passkeys,
    plans,
    pretoken,
    responses,
    tokens,
    triggers,
    urls,
)
from .keys import verify_user_pool_token
from .lifecycle import signed_out_or_deleted

if TYPE_CHECKING:
    from ..patching import Patches

# What the rest of the engine uses: the identity-pool engine trusts only tokens a pool signed.
__all__ = ["install", "mailbox", "signed_out_or_deleted", "urls", "verify_user_pool_token"]


def install(patches: Patches) -> None:
    """Apply every user-pool fix to moto, reversibly."""
    from moto.cognitoidp import models as moto_models
    from moto.cognitoidp import responses as moto_responses

    pool_class, backend_class = moto_models.CognitoIdpUserPool, moto_models.CognitoIdpBackend
    patches.replace(moto_models, "jwk", keys.NoSharedKey)
    patches.wrap(pool_class, "__init__", models.aws_shaped_pool_id)
    patches.wrap(pool_class, "create_refresh_token", tokens.recording_sign_in)
    patches.replace(pool_class, "create_access_token", tokens.create_access_token)
    patches.replace(pool_class, "create_id_token", tokens.create_id_token)
    patches.replace(pool_class, "create_tokens_from_refresh_token", tokens.create_tokens_from_refresh_token)
    patches.wrap(pool_class, "sign_out", lifecycle.revoking_sign_ins)
    patches.replace(backend_class, "_validate_password", attributes.validate_password)
    patches.wrap(backend_class, "delete_user_pool", keys.forgetting_keys)
    patches.wrap(backend_class, "admin_delete_user", models.forgetting_the_user)
    patches.wrap(backend_class, "create_user_pool", plans.checking_create_pool)
    patches.wrap(backend_class, "update_user_pool", plans.checking_update_pool)
    for name in ("create_user_pool", "update_user_pool"):
        patches.wrap(backend_class, name, pretoken.completing_lambda_config)
    patches.wrap(backend_class, "create_user_pool_client", clients.checking_create_client)
    patches.wrap(backend_class, "update_user_pool_client", clients.replacing_client_settings)

    response_class = moto_responses.CognitoIdpResponse
    # Every operation remembers its ClientMetadata and ValidationData for the triggers it runs.
    patches.wrap(response_class, "call_action", triggers.remembering_caller)
    patches.replace(response_class, "sign_up", responses.sign_up)
    patches.replace(response_class, "confirm_sign_up", responses.confirm_sign_up)
    patches.add(
        response_class, "resend_confirmation_code", responses.resend_confirmation_code
    )  # moto lacks it
    patches.replace(response_class, "forgot_password", responses.forgot_password)
    patches.replace(response_class, "confirm_forgot_password", responses.confirm_forgot_password)
    patches.add(response_class, "revoke_token", lifecycle.revoke_token)  # moto lacks it
    patches.add(response_class, "get_tokens_from_refresh_token", lifecycle.get_tokens_from_refresh_token)
    patches.add(response_class, "delete_resource_server", responses.delete_resource_server)  # moto lacks it
    patches.wrap(response_class, "initiate_auth", responses.initiating_auth)
    patches.wrap(response_class, "admin_initiate_auth", responses.admin_initiating_auth)
    patches.wrap(response_class, "respond_to_auth_challenge", responses.responding_to_challenge)
    patches.wrap(response_class, "admin_respond_to_auth_challenge", responses.admin_responding_to_challenge)
    # MFA (mfa.py) replaces moto's shared-secret TOTP; passkeys (passkeys.py) are new to moto.
    patches.replace(response_class, "set_user_pool_mfa_config", mfa.set_user_pool_mfa_config)
    patches.replace(response_class, "get_user_pool_mfa_config", mfa.get_user_pool_mfa_config)
    patches.replace(response_class, "associate_software_token", mfa.associate_software_token)
    patches.replace(response_class, "verify_software_token", mfa.verify_software_token)
    patches.replace(response_class, "set_user_mfa_preference", mfa.set_user_mfa_preference)
    patches.replace(response_class, "admin_set_user_mfa_preference", mfa.admin_set_user_mfa_preference)
    patches.wrap(response_class, "admin_get_user", responses.reporting_mfa_settings)
    for name in ("start", "complete"):
        operation = f"{name}_web_authn_registration"
        patches.add(response_class, operation, getattr(passkeys, operation))  # moto lacks them
    patches.add(response_class, "list_web_authn_credentials", passkeys.list_web_authn_credentials)
    patches.add(response_class, "delete_web_authn_credential", passkeys.delete_web_authn_credential)
    patches.wrap(response_class, "admin_create_user", responses.checking_admin_create_user)
    patches.wrap(response_class, "admin_confirm_sign_up", responses.checking_admin_confirm)
    patches.wrap(response_class, "get_user", responses.reading_permitted_attributes)
    patches.wrap(response_class, "update_user_attributes", responses.writing_permitted_attributes)
    # Wrapped last, so the token is checked before anything else.
    for name in responses.ACCESS_TOKEN_OPERATIONS:
        patches.wrap(response_class, name, responses.guarding_access_token)

    keys.key_factory.start()
