"""A user pool's Lambda triggers: which function, AWS's event, the invocation, and its errors.

Follows the Developer Guide's "Customizing user pool workflows with Lambda triggers" (the common
event, the trigger sources, the resource-based policy Cognito needs) and the pages of each
trigger: "Pre sign-up", "Post confirmation", "Pre authentication", "Custom message" (this module)
and "Pre token generation" (`pretoken`). botocore's LambdaConfigType names the settings.

* A trigger is the function ARN in the pool's `LambdaConfig` (moto stores it as given). A pool
  without it costs one dictionary look-up per place a trigger could run.
* Cognito invokes the function synchronously through Lambda, and only when the function's
  resource-based policy lets `cognito-idp.amazonaws.com` invoke it for this pool (`aws:SourceArn`
  the pool's ARN, `aws:SourceAccount` its account; `awslambda.may_invoke`). Otherwise the caller
  gets `UnexpectedLambdaException` "<Trigger> invocation failed due to error
  AccessDeniedException." (observed, aws-semantics-next.md section 4).
* The event: `version`, `region`, `userPoolId`, `userName`, `callerContext` (`awsSdkVersion`,
  `clientId`), `triggerSource`, `request`, `response`; the function returns the event with
  `response` filled in. A function that raises answers the caller with
  `UserLambdaValidationException` "<Trigger> failed with error <message>." (Cognito's period
  appended, observed); an answer that is not such an event, `InvalidLambdaResponseException`
  "Unrecognizable lambda output" (observed).
* Operations an administrator makes have no app client: `clientId` is "CLIENT_ID_NOT_APPLICABLE"
  (a published CustomMessage_AdminCreateUser event). `awsSdkVersion` names the caller's SDK
  ("aws-sdk-js-2.1639.0" in that event); the offline AWS says "aws-sdk-unknown-unknown", the
  value published events show for callers Cognito does not recognise (UNCONFIRMED for boto3).
* `ClientMetadata` and `ValidationData` of the request that runs a trigger reach it as
  `clientMetadata` and `validationData`; without them `clientMetadata` is left out (as in that
  event) and `validationData` is null (UNCONFIRMED).

Not modelled: Cognito's own 5-second limit with three attempts (the function's own Timeout
applies, and its time-out is a function error), post authentication, migrate user, custom
authentication challenges, custom sender triggers, inbound federation, and SMS (no message
leaves the offline AWS by SMS).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from moto.cognitoidp.models import CognitoIdpUser, CognitoIdpUserPool, UserStatus

from .. import awslambda
from ..awslambda.exceptions import LambdaError
from .exceptions import (
    AUTO_VERIFY_WITHOUT_ATTRIBUTE,
    EMAIL_BODY_WITHOUT_CODE,
    TRIGGER_FAILED,
    TRIGGER_NOT_INVOKED,
    UNRECOGNIZABLE_OUTPUT,
    InvalidLambdaResponseException,
    InvalidParameterException,
    UnexpectedLambdaException,
    UserLambdaValidationException,
)
from .models import status

PRE_SIGN_UP = "PreSignUp"
POST_CONFIRMATION = "PostConfirmation"
PRE_AUTHENTICATION = "PreAuthentication"
CUSTOM_MESSAGE = "CustomMessage"
PRE_TOKEN_GENERATION = "PreTokenGeneration"

NO_CLIENT = "CLIENT_ID_NOT_APPLICABLE"
SDK_VERSION = "aws-sdk-unknown-unknown"
SERVICE_PRINCIPAL = "cognito-idp.amazonaws.com"
# The custom message trigger's placeholders (DG "Custom message Lambda trigger"; the published
# CustomMessage_AdminCreateUser event shows all three).
CODE_PARAMETER = "{####}"
LINK_PARAMETER = "{##Click Here##}"
USERNAME_PARAMETER = "{username}"


def function_of(pool: CognitoIdpUserPool, trigger: str) -> str | None:
    """The ARN of the function the pool runs as `trigger`, or None."""
    config = pool.extended_config.get("LambdaConfig")
    if not config:
        return None
    if trigger == PRE_TOKEN_GENERATION:
        detailed = config.get("PreTokenGenerationConfig") or {}
        arn = detailed.get("LambdaArn") or config.get("PreTokenGeneration")
        return str(arn) if arn else None
    found = config.get(trigger)
    return str(found) if found else None


# --- The request that runs a trigger ------------------------------------------------------------
@dataclass(frozen=True)
class Caller:
    """What the API request that runs a trigger gives it: its operation, ClientMetadata and
    ValidationData."""

    operation: str = ""
    client_metadata: dict[str, str] | None = None
    validation_data: dict[str, str] | None = None

    def metadata_for(self, *, from_initiate_auth: bool = True) -> dict[str, Any]:
        """`clientMetadata` for an event's request, when the request had some. The custom message
        and pre token generation triggers do not get InitiateAuth's and AdminInitiateAuth's
        (DG, each trigger's clientMetadata)."""
        if self.client_metadata is None:
            return {}
        if not from_initiate_auth and self.operation in ("InitiateAuth", "AdminInitiateAuth"):
            return {}
        return {"clientMetadata": self.client_metadata}


_caller: ContextVar[Caller | None] = ContextVar("cognito_idp_trigger_caller", default=None)
_NO_CALLER = Caller()


def caller() -> Caller:
    return _caller.get() or _NO_CALLER


def _validation_data(given: Any) -> dict[str, str] | None:
    """ValidationData is a list of {Name, Value} (SignUp, AdminCreateUser); a map elsewhere."""
    if isinstance(given, list):
        return {str(item.get("Name")): str(item.get("Value")) for item in given if isinstance(item, dict)}
    return given if isinstance(given, dict) else None


def remembering_caller(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Wraps `CognitoIdpResponse.call_action`: every user-pool operation remembers its request's
    ClientMetadata and ValidationData for the triggers it runs (however deep they run)."""

    def call_action(self: Any) -> Any:
        metadata = self._get_param("ClientMetadata")
        found = Caller(
            str(self._get_action()),
            metadata if isinstance(metadata, dict) else None,
            _validation_data(self._get_param("ValidationData")),
        )
        token = _caller.set(found)
        try:
            return original(self)
        finally:
            _caller.reset(token)

    return call_action


# --- The event and the invocation -----------------------------------------------------------------
def user_attributes(user: CognitoIdpUser) -> dict[str, str]:
    """The user's attributes as triggers see them: `sub`, the attributes, `cognito:user_status`
    (the published events show all three, values as strings)."""
    return {"sub": user.id, **user.attribute_lookup, "cognito:user_status": status(user)}


def event(
    pool: CognitoIdpUserPool,
    source: str,
    username: str,
    client_id: str | None,
    request: dict[str, Any],
    response: dict[str, Any] | None = None,
    *,
    version: str = "1",
) -> dict[str, Any]:
    """The event Cognito sends: the common envelope around the trigger's request and response."""
    return {
        "version": version,
        "region": pool.region,
        "userPoolId": pool.id,
        "userName": username,
        "callerContext": {"awsSdkVersion": SDK_VERSION, "clientId": client_id or NO_CLIENT},
        "triggerSource": source,
        "request": request,
        "response": response or {},
    }


def invoke(pool: CognitoIdpUserPool, trigger: str, function_arn: str, sent: dict[str, Any]) -> dict[str, Any]:
    """Invoke the trigger's function as Cognito does; the `response` it returned ({} when null)."""
    try:
        decision = awslambda.may_invoke(function_arn, SERVICE_PRINCIPAL, pool.arn, pool.account_id)
        if not decision.allowed:
            raise UnexpectedLambdaException(
                TRIGGER_NOT_INVOKED.format(trigger=trigger, code="AccessDeniedException")
            )
        outcome = awslambda.invoke_function(function_arn, json.dumps(sent))
    except LambdaError as refused:
        raise UnexpectedLambdaException(
            TRIGGER_NOT_INVOKED.format(trigger=trigger, code=refused.aws_code)
        ) from None
    try:
        answer = json.loads(outcome.payload)
    except ValueError:
        raise InvalidLambdaResponseException(UNRECOGNIZABLE_OUTPUT) from None
    if outcome.function_error:
        message = answer.get("errorMessage", "") if isinstance(answer, dict) else ""
        raise UserLambdaValidationException(TRIGGER_FAILED.format(trigger=trigger, message=message))
    response = answer.get("response") if isinstance(answer, dict) else None
    if not isinstance(answer, dict) or not isinstance(response, (dict, type(None))):
        raise InvalidLambdaResponseException(UNRECOGNIZABLE_OUTPUT)
    return response or {}


# --- Pre sign-up ----------------------------------------------------------------------------------
def pre_sign_up(
    pool: CognitoIdpUserPool,
    user: CognitoIdpUser,
    source: str,
    client_id: str | None,
    given: dict[str, str],
) -> None:
    """Run the pre sign-up trigger for a user just added; a refusal raises (the caller removes the
    user). For PreSignUp_SignUp the answer may confirm the user and verify their email or phone;
    "Response parameters autoVerifyPhone, autoVerifyEmail and autoConfirmUser are ignored by
    Amazon Cognito when the Pre Sign-up lambda is triggered by the AdminCreateUser API" (DG).
    Flags count when they are JSON `true` (UNCONFIRMED: whether Cognito also reads "true")."""
    function_arn = function_of(pool, PRE_SIGN_UP)
    if function_arn is None:
        return
    request = {"userAttributes": given, "validationData": caller().validation_data, **caller().metadata_for()}
    answer = invoke(pool, PRE_SIGN_UP, function_arn, event(pool, source, user.username, client_id, request))
    if source != "PreSignUp_SignUp":
        return
    verified = []
    for flag, attribute in (("autoVerifyEmail", "email"), ("autoVerifyPhone", "phone_number")):
        if answer.get(flag) is True:
            if not user.attribute_lookup.get(attribute):
                raise InvalidParameterException(AUTO_VERIFY_WITHOUT_ATTRIBUTE.format(attribute=attribute))
            verified.append({"Name": f"{attribute}_verified", "Value": "true"})
    user.update_attributes(verified)
    if answer.get("autoConfirmUser") is True:
        user.status = UserStatus.CONFIRMED


# --- Post confirmation ------------------------------------------------------------------------------
def post_confirmation(
    pool: CognitoIdpUserPool, user: CognitoIdpUser, source: str, client_id: str | None
) -> None:
    """Run the post confirmation trigger for a user just confirmed (its answer carries nothing).
    The user stays confirmed when the function fails (UNCONFIRMED, as users report it)."""
    function_arn = function_of(pool, POST_CONFIRMATION)
    if function_arn is not None:
        request = {"userAttributes": user_attributes(user), **caller().metadata_for()}
        invoke(pool, POST_CONFIRMATION, function_arn, event(pool, source, user.username, client_id, request))


# --- Pre authentication -----------------------------------------------------------------------------
def pre_authentication(
    pool: CognitoIdpUserPool,
    client_id: str,
    user: CognitoIdpUser | None,
    username: str,
    *,
    hides_unknown_users: bool,
) -> None:
    """Run the pre authentication trigger before the user's credentials are checked. It runs for
    users that exist, and with `userNotFound` true for a name no user has when the client sets
    PreventUserExistenceErrors ("Amazon Cognito populates this Boolean" only then, DG)."""
    function_arn = function_of(pool, PRE_AUTHENTICATION)
    if function_arn is None:
        return
    request: dict[str, Any] = {
        "userAttributes": user_attributes(user) if user is not None else {},
        # "use the ClientMetadata parameter in the InitiateAuth and AdminInitiateAuth" (DG).
        "validationData": caller().client_metadata,
    }
    if hides_unknown_users:
        request["userNotFound"] = user is None
    name = user.username if user is not None else username
    sent = event(pool, "PreAuthentication_Authentication", name, client_id, request)
    invoke(pool, PRE_AUTHENTICATION, function_arn, sent)


# --- Custom message ---------------------------------------------------------------------------------
def custom_message(
    pool: CognitoIdpUserPool,
    user: CognitoIdpUser,
    source: str,
    client_id: str | None,
    medium: str,
    subject: str,
    template: str,
) -> tuple[str, str]:
    """The (subject, template) of a message about to be sent, as the custom message trigger
    rewrites them; the template keeps `{####}` for the code, which the caller fills in.

    The function's `emailMessage` must contain the code parameter (else the observed
    InvalidParameterException about 'emailBody'); a null `emailMessage` or `emailSubject` keeps
    the pool's own. The Developer Guide (2023) says Cognito uses `emailMessage` and
    `emailSubject` only for a pool that sends email with Amazon SES (EmailSendingAccount
    DEVELOPER); published reports show them delivered by pools on Cognito's default email too,
    and the offline AWS delivers them either way (UNCONFIRMED).
    """
    function_arn = function_of(pool, CUSTOM_MESSAGE)
    if function_arn is None:
        return subject, template
    request = {
        "userAttributes": user_attributes(user),
        "codeParameter": CODE_PARAMETER,
        "linkParameter": LINK_PARAMETER,
        "usernameParameter": None,
        **caller().metadata_for(from_initiate_auth=False),
    }
    empty = {"smsMessage": None, "emailMessage": None, "emailSubject": None}
    sent = event(pool, source, user.username, client_id, request, empty)
    answer = invoke(pool, CUSTOM_MESSAGE, function_arn, sent)
    if medium != "EMAIL":
        return subject, str(answer.get("smsMessage") or template)
    message = answer.get("emailMessage")
    if message and CODE_PARAMETER not in str(message):
        raise InvalidParameterException(EMAIL_BODY_WITHOUT_CODE)
    return str(answer.get("emailSubject") or subject), str(message or template)
