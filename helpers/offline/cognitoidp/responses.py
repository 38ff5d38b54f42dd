"""The Cognito User Pools operations the engine answers itself, as methods of moto's `CognitoIdpResponse`.

Each function here replaces or wraps the moto method of the same name (`__init__.install` does
it): sign-in (InitiateAuth, AdminInitiateAuth, RespondToAuthChallenge), sign-up and codes
(SignUp, ConfirmSignUp, ResendConfirmationCode, ForgotPassword, ConfirmForgotPassword),
AdminCreateUser, AdminConfirmSignUp, and the operations that act on the caller's own
AccessToken. Choice-based sign-in, MFA and passkeys live in `userauth`, `mfa` and `passkeys`,
refresh, revocation and sign-out in `lifecycle`; here they are only dispatched to (USER_AUTH,
the challenges in ENGINE_CHALLENGES, REFRESH_TOKEN_AUTH, AdminGetUser's MFA settings). The
sign-up and confirmation triggers run from here (`triggers`), the others where they belong
(pre authentication in `sessions`, custom message in `codes` and `sessions`, pre token
generation in `tokens`). Each follows the operation's page in the Amazon Cognito API Reference: the
checks AWS makes, in the order that decides which error a learner sees.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from moto.cognitoidp.models import (
    AuthFlow,
    CognitoIdpUser,
    CognitoIdpUserPool,
    CognitoIdpUserPoolClient,
    UserStatus,
)
from moto.core.responses import ActionResult, EmptyResult

from .. import clock
from . import clients, codes, lifecycle, mfa, pretoken, sessions, srp, tokens, triggers, userauth
from .attributes import check_attributes
from .exceptions import (
    ADMIN_FLOW_IN_INITIATE_AUTH,
    ADMIN_FLOW_NOT_ENABLED,
    ADMIN_USERNAME_EXISTS,
    ALREADY_CONFIRMED,
    AUTO_VERIFICATION_OFF,
    CANNOT_CONFIRM,
    CLIENT_NOT_FOUND,
    CODE_EXPIRED,
    CODE_MISMATCH,
    CUSTOM_AUTH_NOT_CONFIGURED,
    FLOW_NOT_ENABLED,
    INCORRECT_CREDENTIALS,
    SESSION_EXPIRED,
    SESSION_INVALID,
    SIGN_UP_NOT_PERMITTED,
    USERNAME_EXISTS,
    CodeMismatchException,
    CognitoIdpError,
    ExpiredCodeException,
    InvalidParameterException,
    NotAuthorizedException,
    ResourceNotFoundException,
    UsernameExistsException,
)
from .models import find_client, status
from .sessions import check_password_sign_in, user_for_sign_in
from .tokens import required_parameter

Method = Callable[[Any], Any]

# Operations that act on the caller's own AccessToken (moto implements these).
ACCESS_TOKEN_OPERATIONS = (
    "get_user",
    "change_password",
    "global_sign_out",
    "update_user_attributes",
    "set_user_mfa_preference",
    "associate_software_token",
    "verify_software_token",
    "start_web_authn_registration",
    "complete_web_authn_registration",
    "list_web_authn_credentials",
    "delete_web_authn_credential",
)
# The challenges the engine answers itself (choice-based sign-in and MFA); moto keeps
# NEW_PASSWORD_REQUIRED (after `mfa.after_password` hands it a session).
ENGINE_CHALLENGES = (*userauth.FIRST_FACTOR_CHALLENGES, "SOFTWARE_TOKEN_MFA", "SELECT_MFA_TYPE", "MFA_SETUP")


# --- The caller's own AccessToken ------------------------------------------------------------
def guarding_access_token(original: Method) -> Method:
    def guarded(self: Any) -> Any:
        token = self._get_param("AccessToken")
        if token is not None:
            tokens.check_self_service_token(token)
        return original(self)

    return guarded


def reading_permitted_attributes(original: Method) -> Method:
    """GetUser shows only the attributes the token's app client may read."""

    def get_user(self: Any) -> Any:
        result = original(self)
        pool, client = tokens.client_of_access_token(self._get_param("AccessToken"))
        body = result.result
        body["UserAttributes"] = [a for a in body["UserAttributes"] if clients.may_read(client, a["Name"])]
        _report_mfa(pool, body)
        return result

    return get_user


def _report_mfa(pool: CognitoIdpUserPool, body: dict[str, Any]) -> None:
    for name in ("MFAOptions", "UserMFASettingList", "PreferredMfaSetting"):
        body.pop(name, None)
    body.update(mfa.user_mfa_fields(pool, pool._get_user(body["Username"])))


def reporting_mfa_settings(original: Method) -> Method:
    """AdminGetUser shows the engine's MFA factors (moto knows only its own TOTP and SMS flags)."""

    def admin_get_user(self: Any) -> Any:
        result = original(self)
        _report_mfa(self.backend.describe_user_pool(self._get_param("UserPoolId")), result.result)
        return result

    return admin_get_user


def writing_permitted_attributes(original: Method) -> Method:
    """UpdateUserAttributes may set only what the token's app client may write."""

    def update_user_attributes(self: Any) -> Any:
        pool, client = tokens.client_of_access_token(self._get_param("AccessToken"))
        if client is not None:
            clients.check_writable(pool, client, self._get_param("UserAttributes") or [])
        return original(self)

    return update_user_attributes


# --- Sign-in ------------------------------------------------------------------------------
def _validated_flow(flow: str) -> None:
    if flow not in AuthFlow.list():
        raise InvalidParameterException(
            f"1 validation error detected: Value '{flow}' at 'authFlow' failed to satisfy constraint: "
            f"Member must satisfy enum value set: {AuthFlow.list()}"
        )


def initiating_auth(original: Method) -> Method:
    def initiate_auth(self: Any) -> Any:
        flow = self._get_param("AuthFlow")
        parameters = self._get_param("AuthParameters") or {}
        if flow == "USER_AUTH":  # choice-based sign-in (moto lacks the flow)
            _, pool, client = find_client(self._get_param("ClientId"))
            return ActionResult(userauth.initiate(pool, client, parameters, self._get_param("Session")))
        _validated_flow(flow)
        if flow in clients.ADMIN_PASSWORD_FLOWS:
            raise InvalidParameterException(ADMIN_FLOW_IN_INITIATE_AUTH)
        backend, pool, client = find_client(self._get_param("ClientId"))
        if not clients.flow_enabled(client, flow):
            raise InvalidParameterException(FLOW_NOT_ENABLED.format(flow=flow))
        if flow in clients.REFRESH_FLOWS:
            return ActionResult(lifecycle.refresh(pool, client, parameters))
        if flow == "CUSTOM_AUTH":
            raise InvalidParameterException(CUSTOM_AUTH_NOT_CONFIGURED)
        username = required_parameter(parameters, "USERNAME")
        clients.check_secret_hash(client, parameters.get("SECRET_HASH"), [username], auth_parameter=True)
        if flow == "USER_SRP_AUTH":
            srp_a = required_parameter(parameters, "SRP_A")
            user = user_for_sign_in(pool, client, username)
            return ActionResult(srp.start(backend, pool, client, user, username, srp_a))
        user = check_password_sign_in(pool, client, username, required_parameter(parameters, "PASSWORD"))
        return ActionResult(mfa.after_password(pool, client, user))

    return initiate_auth


def admin_initiating_auth(original: Method) -> Method:
    def admin_initiate_auth(self: Any) -> Any:
        flow = self._get_param("AuthFlow")
        parameters = self._get_param("AuthParameters") or {}
        _validated_flow(flow)
        pool = self.backend.describe_user_pool(self._get_param("UserPoolId"))
        client_id = self._get_param("ClientId")
        client = pool.clients.get(client_id)
        if client is None:
            raise ResourceNotFoundException(CLIENT_NOT_FOUND.format(client_id=client_id))
        if flow not in clients.ADMIN_PASSWORD_FLOWS + clients.REFRESH_FLOWS:
            return original(self)
        if not clients.flow_enabled(client, flow):
            raise InvalidParameterException(ADMIN_FLOW_NOT_ENABLED)
        if flow in clients.REFRESH_FLOWS:
            return ActionResult(lifecycle.refresh(pool, client, parameters))
        username = required_parameter(parameters, "USERNAME")
        clients.check_secret_hash(client, parameters.get("SECRET_HASH"), [username], auth_parameter=True)
        user = check_password_sign_in(pool, client, username, required_parameter(parameters, "PASSWORD"))
        return ActionResult(mfa.after_password(pool, client, user))

    return admin_initiate_auth


def responding_to_challenge(original: Method) -> Method:
    def respond_to_auth_challenge(self: Any) -> Any:
        answers = self._get_param("ChallengeResponses") or {}
        backend, pool, client = find_client(self._get_param("ClientId"))
        if self._get_param("ChallengeName") == "PASSWORD_VERIFIER":
            secret_block = answers.get("PASSWORD_CLAIM_SECRET_BLOCK", "")
            challenge = srp.take_challenge(pool, secret_block)
            if challenge is None or challenge.client_id != client.id:
                raise NotAuthorizedException(SESSION_INVALID)
            clients.check_secret_hash(
                client, answers.get("SECRET_HASH"), [answers.get("USERNAME")], auth_parameter=True
            )
            if clock.now() >= challenge.expires_at:
                backend.sessions.pop(secret_block, None)
                raise NotAuthorizedException(SESSION_EXPIRED)
            valid = srp.signature_valid(
                challenge,
                secret_block,
                answers.get("TIMESTAMP", ""),
                answers.get("PASSWORD_CLAIM_SIGNATURE", ""),
            )
            backend.sessions.pop(secret_block, None)
            if not valid:
                raise NotAuthorizedException(INCORRECT_CREDENTIALS)
            user = pool._get_user(challenge.user_id_for_srp)
            return ActionResult(mfa.after_password(pool, client, user))
        clients.check_secret_hash(
            client, answers.get("SECRET_HASH"), [answers.get("USERNAME")], auth_parameter=True
        )
        if self._get_param("ChallengeName") in ENGINE_CHALLENGES:
            return ActionResult(_answer(pool, client, self._get_param("ChallengeName"), self, answers))
        with pretoken.generating(pretoken.NEW_PASSWORD_CHALLENGE):  # moto answers NEW_PASSWORD_REQUIRED
            return original(self)

    return respond_to_auth_challenge


def admin_responding_to_challenge(original: Method) -> Method:
    """AdminRespondToAuthChallenge answers the engine's MFA challenges the same way."""

    def admin_respond_to_auth_challenge(self: Any) -> Any:
        name, answers = self._get_param("ChallengeName"), self._get_param("ChallengeResponses") or {}
        if name not in ENGINE_CHALLENGES:
            with pretoken.generating(pretoken.NEW_PASSWORD_CHALLENGE):
                return original(self)
        pool = self.backend.describe_user_pool(self._get_param("UserPoolId"))
        client_id = self._get_param("ClientId")
        client = pool.clients.get(client_id)
        if client is None:
            raise ResourceNotFoundException(CLIENT_NOT_FOUND.format(client_id=client_id))
        clients.check_secret_hash(
            client, answers.get("SECRET_HASH"), [answers.get("USERNAME")], auth_parameter=True
        )
        return ActionResult(_answer(pool, client, name, self, answers))

    return admin_respond_to_auth_challenge


def _answer(
    pool: CognitoIdpUserPool,
    client: CognitoIdpUserPoolClient,
    name: str,
    request: Any,
    answers: dict[str, str],
) -> dict[str, Any]:
    handle = request._get_param("Session")
    session = sessions.find(pool, client, handle)
    if session.purpose == "mfa":
        return mfa.respond(pool, client, handle, session, name, answers)
    if session.purpose == "first":
        return userauth.respond(pool, client, handle, session, name, answers)
    raise NotAuthorizedException(SESSION_INVALID)


# --- Sign-up, confirmation, password recovery -------------------------------------------------
def sign_up(self: Any) -> ActionResult:
    client_id = self._get_param("ClientId")
    username = self._get_param("Username")
    attributes = self._get_param("UserAttributes") or []
    backend, pool, client = find_client(client_id)
    clients.check_secret_hash(client, self._get_param("SecretHash"), [username], auth_parameter=False)
    if (pool.extended_config.get("AdminCreateUserConfig") or {}).get("AllowAdminCreateUserOnly"):
        raise NotAuthorizedException(SIGN_UP_NOT_PERMITTED)
    if pool._get_user(username) is not None:
        raise UsernameExistsException(USERNAME_EXISTS)
    # Before the schema: an attribute no client may write is "unauthorized", even one the
    # schema lacks (`phonenumber` in aws-amplify/amplify-js#5345).
    clients.check_writable(pool, client, attributes)
    check_attributes(pool, username, attributes)
    user, _ = backend.sign_up(client_id, username, self._get_param("Password"), attributes)
    # An address given at sign-up is on record but not yet proven: AWS lists it as
    # `email_verified: false` (cognito-local PR #386, observed against Cognito;
    # amazon-cognito-identity-js#566 shows it staying false after an admin confirms).
    given = {attribute["Name"] for attribute in attributes}
    user.update_attributes(
        [
            {"Name": f"{name}_verified", "Value": "false"}
            for name in ("email", "phone_number")
            if name in given
        ]
    )
    # The pre sign-up trigger may refuse the user (who is then never signed up), confirm them
    # and verify their email or phone; a confirmed user reaches the post confirmation trigger
    # at once (triggers.py).
    with _removed_if_refused(pool, user):
        triggers.pre_sign_up(
            pool, user, "PreSignUp_SignUp", client.id, {a["Name"]: a["Value"] for a in attributes}
        )
    confirmed = status(user) == "CONFIRMED"
    response: dict[str, Any] = {
        "UserConfirmed": confirmed,
        "UserSub": user.id,
        **userauth.sign_up_session(pool, client, user),
    }
    if confirmed:
        triggers.post_confirmation(pool, user, "PostConfirmation_ConfirmSignUp", client.id)
        return ActionResult(response)
    channel = codes.confirmation_channel(pool, user)
    if channel:
        response["CodeDeliveryDetails"] = codes.send(
            pool,
            user,
            channel,
            purpose="confirm",
            kind="SignUp",
            lifetime=codes.SIGN_UP_CODE_SECONDS,
            client_id=client.id,
        )
    return ActionResult(response)


@contextmanager
def _removed_if_refused(pool: CognitoIdpUserPool, user: CognitoIdpUser) -> Iterator[None]:
    """A user the pre sign-up trigger refuses was never signed up."""
    try:
        yield
    except CognitoIdpError:
        pool.users.pop(user.username, None)
        raise


def confirm_sign_up(self: Any) -> ActionResult:
    username = self._get_param("Username")
    _, pool, client = find_client(self._get_param("ClientId"))
    clients.check_secret_hash(client, self._get_param("SecretHash"), [username], auth_parameter=False)
    user = codes.user_for_code(pool, username)
    if status(user) != "UNCONFIRMED":
        raise NotAuthorizedException(CANNOT_CONFIRM.format(status=status(user)))
    userauth.check_sign_up_session(pool, client, user, self._get_param("Session"))
    code = self._get_param("ConfirmationCode")
    pending = codes.matching(pool, user, "confirm", code, none_sent=CodeMismatchException(CODE_MISMATCH))
    codes.forget(pool, user, "confirm")
    user.status = UserStatus.CONFIRMED
    user.update_attributes([{"Name": f"{pending.attribute}_verified", "Value": "true"}])
    triggers.post_confirmation(pool, user, "PostConfirmation_ConfirmSignUp", client.id)
    return ActionResult(userauth.confirmed_session(pool, client, user, self._get_param("Session")))


def resend_confirmation_code(self: Any) -> ActionResult:
    username = self._get_param("Username")
    _, pool, client = find_client(self._get_param("ClientId"))
    clients.check_secret_hash(client, self._get_param("SecretHash"), [username], auth_parameter=False)
    if codes.hidden_user(client, pool._get_user(username)):
        return ActionResult({"CodeDeliveryDetails": codes.simulated_delivery(pool, username)})
    user = codes.user_for_code(pool, username)
    if status(user) == "CONFIRMED":
        raise InvalidParameterException(ALREADY_CONFIRMED)
    channel = codes.confirmation_channel(pool, user)
    if channel is None:
        raise InvalidParameterException(AUTO_VERIFICATION_OFF)
    details = codes.send(
        pool,
        user,
        channel,
        purpose="confirm",
        kind="ResendCode",
        lifetime=codes.SIGN_UP_CODE_SECONDS,
        client_id=client.id,
    )
    return ActionResult({"CodeDeliveryDetails": details})


def forgot_password(self: Any) -> ActionResult:
    username = self._get_param("Username")
    _, pool, client = find_client(self._get_param("ClientId"))
    clients.check_secret_hash(client, self._get_param("SecretHash"), [username], auth_parameter=False)
    if codes.hidden_user(client, pool._get_user(username)):
        return ActionResult({"CodeDeliveryDetails": codes.simulated_delivery(pool, username)})
    user = codes.user_for_code(pool, username)
    try:
        channel = codes.recovery_channel(pool, user)
    except InvalidParameterException:
        # "doesn't have a verified delivery mechanism": simulated too, under ENABLED.
        if clients.prevents_existence_errors(client):
            return ActionResult({"CodeDeliveryDetails": codes.simulated_delivery(pool, username)})
        raise
    details = codes.send(
        pool,
        user,
        channel,
        purpose="reset",
        kind="ForgotPassword",
        lifetime=codes.RESET_CODE_SECONDS,
        client_id=client.id,
    )
    return ActionResult({"CodeDeliveryDetails": details})


def confirm_forgot_password(self: Any) -> EmptyResult:
    username = self._get_param("Username")
    backend, pool, client = find_client(self._get_param("ClientId"))
    clients.check_secret_hash(client, self._get_param("SecretHash"), [username], auth_parameter=False)
    if codes.hidden_user(client, pool._get_user(username)):
        raise CodeMismatchException(CODE_MISMATCH)  # DG "Managing user existence error responses"
    user = codes.user_for_code(pool, username)
    # With no ForgotPassword before it, AWS answers ExpiredCodeException (DG "Managing error responses").
    code = self._get_param("ConfirmationCode")
    codes.matching(pool, user, "reset", code, none_sent=ExpiredCodeException(CODE_EXPIRED))
    password = self._get_param("Password")
    backend._validate_password(pool.id, password)
    codes.forget(pool, user, "reset")
    user.password = password
    if status(user) in ("RESET_REQUIRED", "FORCE_CHANGE_PASSWORD"):
        user.status = UserStatus.CONFIRMED
    triggers.post_confirmation(pool, user, "PostConfirmation_ConfirmForgotPassword", client.id)
    return EmptyResult()


# --- Administrators ----------------------------------------------------------------------------
def checking_admin_create_user(original: Method) -> Method:
    def admin_create_user(self: Any) -> Any:
        pool = self.backend.describe_user_pool(self._get_param("UserPoolId"))
        username = self._get_param("Username")
        if self._get_param("MessageAction") != "RESEND":
            if pool._get_user(username) is not None:
                raise UsernameExistsException(ADMIN_USERNAME_EXISTS)
            check_attributes(pool, username, self._get_param("UserAttributes") or [])
        temporary_password = self._get_param("TemporaryPassword")
        if temporary_password is not None:
            self.backend._validate_password(pool.id, temporary_password)
        result = original(self)
        if self._get_param("MessageAction") != "RESEND":
            # PreSignUp_AdminCreateUser: a refusal undoes the creation; the answer is ignored.
            user = pool._get_user(username)
            given = {a["Name"]: a["Value"] for a in self._get_param("UserAttributes") or []}
            with _removed_if_refused(pool, user):
                triggers.pre_sign_up(pool, user, "PreSignUp_AdminCreateUser", None, given)
        return result

    return admin_create_user


def checking_admin_confirm(original: Method) -> Method:
    def admin_confirm_sign_up(self: Any) -> Any:
        pool = self.backend.describe_user_pool(self._get_param("UserPoolId"))
        user = pool._get_user(self._get_param("Username"))
        if user is not None and status(user) != "UNCONFIRMED":
            raise NotAuthorizedException(CANNOT_CONFIRM.format(status=status(user)))
        if user is not None:
            codes.forget(pool, user, "confirm")
        result = original(self)
        if user is not None:
            triggers.post_confirmation(pool, user, "PostConfirmation_ConfirmSignUp", None)
        return result

    return admin_confirm_sign_up


def delete_resource_server(self: Any) -> EmptyResult:
    """DeleteResourceServer (moto lacks it; the course's cleanup calls it): the pool forgets the
    resource server ("Deletes a resource server", API Reference); one the pool doesn't have is
    ResourceNotFoundException. Not modelled: that tokens can then no longer get its scopes
    ("users can no longer generate access tokens with scopes that are associate with that
    resource server"): an app client that lists them keeps them offline."""
    pool = self.backend.describe_user_pool(self._get_param("UserPoolId"))
    identifier = self._get_param("Identifier")
    if pool.resource_servers.pop(identifier, None) is None:
        # UNCONFIRMED wording: moto's DescribeResourceServer message for the same case.
        raise ResourceNotFoundException(f"Resource server {identifier} does not exist.")
    return EmptyResult()
