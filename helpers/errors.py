"""AWS's error, kept visible, plus one sentence on what went wrong and what to try.

"Break it on purpose" cells run the real call inside `with errors.expected(...):`. The error is
caught and printed as the code and message AWS sent (or PyJWT's, for a token check), followed by
the sentence from `EXPLANATIONS`, so "Run All" never stops and nothing is hidden.

A request to an API Gateway invoke URL raises nothing: it gets an HTTP answer. `answered(response)`
prints it the same way: the status, API Gateway's error type (`x-amzn-ErrorType`) and message, and
the sentence for that error type.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import jwt
import pycognito.exceptions
import requests
from botocore.exceptions import ClientError

from helpers.lab import LabError


@dataclass(frozen=True)
class Explanation:
    code: str  # AWS's error code, or the exception class name for PyJWT and pycognito
    pattern: str  # a regular expression searched in the message ("" matches any)
    sentence: str
    # A regular expression searched in the error's notes (PEP 678, `error.add_note`), where a helper
    # that knows more than the message says (whose token it checked) writes it; "" matches any.
    context: str = ""


# A helper that checks a token Cognito Identity issued (the basic flow) notes it on PyJWT's error, so
# the sentence names that token's fix, not a user pool token's (see federation.verify_open_id_token).
BASIC_FLOW_TOKEN = "a basic-flow token from GetOpenIdToken"


# First match wins, so specific messages come before a code's catch-all. The messages are AWS's
# (see ../shared/research/aws-semantics.md for the source of each).
EXPLANATIONS = (
    # user pools: sign-up and confirmation
    Explanation(
        "InvalidPasswordException",
        "",
        "The password breaks the pool's password policy: pick one that meets every rule in "
        "Policies.PasswordPolicy (length, upper/lowercase, numbers).",
    ),
    Explanation(
        "UsernameExistsException",
        "",
        "Someone already signed up with this username: sign in instead, or choose another username.",
    ),
    Explanation(
        "InvalidParameterException",
        "Attributes did not conform to the schema",
        "An attribute the pool's Schema marks Required is missing: pass it in UserAttributes.",
    ),
    # user pools: choice-based sign-in, passkeys and MFA (notebook 13). Before the sign-up codes'
    # catch-alls below: a sign-in code's answers have their own messages.
    Explanation(
        "FeatureUnavailableInTierException",
        "",
        "The pool's feature plan (UserPoolTier) doesn't include this: passwordless sign-in, passkeys and "
        "USER_AUTH need Essentials or Plus; create the pool with ESSENTIALS (the default), or keep a Lite "
        "pool to passwords.",
    ),
    Explanation(
        "NotAuthorizedException",
        "session is expired",
        "The sign-in session, and the code sent with it, lasts the app client's AuthSessionValidity "
        "(3 minutes here): start a new sign-in for a new code.",
    ),
    Explanation(
        "NotAuthorizedException",
        "Invalid session for the user",
        "This sign-in session was answered already (a code signs in once) or isn't this sign-in's: "
        "start a new sign-in (InitiateAuth) for a new code.",
    ),
    Explanation(
        "CodeMismatchException",
        "Invalid code received for user",
        "That code doesn't match: type the code the authenticator app shows now (Cognito takes now, "
        "30 s either side), or the newest email's; the session stays for another try.",
    ),
    Explanation(
        "ExpiredCodeException",
        "already been used once",
        "Each authenticator code works once, so a code someone else saw can't be replayed: wait for the "
        "app's next code (a new one every 30 s).",
    ),
    Explanation(
        "EnableSoftwareTokenMFAException",
        "",
        "The code doesn't come from the new secret: the authenticator app must use the SecretCode "
        "AssociateSoftwareToken returned (and a clock that is right).",
    ),
    Explanation(
        "NotAuthorizedException",
        "WebAuthn",
        "Cognito refused the passkey's answer (the message says which check): it must be signed at an "
        "origin of the pool's relying party, for this sign-in's challenge, by a passkey the user registered.",
    ),
    Explanation(
        "WebAuthnOriginNotAllowedException",
        "",
        "The passkey was made on a page outside the relying party's site: register it from a page on "
        "the pool's RelyingPartyId (or a subdomain of it).",
    ),
    Explanation(
        "WebAuthnRelyingPartyMismatchException",
        "",
        "The passkey was made for another relying party id than the pool's: use the options "
        "StartWebAuthnRegistration returned, unchanged.",
    ),
    Explanation(
        "WebAuthnChallengeNotFoundException",
        "",
        "The registration's challenge expired or was used: call StartWebAuthnRegistration again and "
        "answer its new challenge.",
    ),
    Explanation(
        "WebAuthnNotEnabledException",
        "",
        "The pool doesn't allow passkeys: add WEB_AUTHN to Policies.SignInPolicy.AllowedFirstAuthFactors.",
    ),
    Explanation(
        "WebAuthnConfigurationMissingException",
        "",
        "Passkeys need a relying party: give the pool a domain, or a WebAuthnConfiguration "
        "RelyingPartyId (SetUserPoolMfaConfig).",
    ),
    Explanation(
        "CodeMismatchException",
        "",
        "That is not the code Cognito sent: use the newest message's code (a new code replaces the old one).",
    ),
    Explanation(
        "ExpiredCodeException",
        "",
        "The code is too old (sign-up codes last 24 hours): ask for a new one with ResendConfirmationCode.",
    ),
    Explanation(
        "NotAuthorizedException",
        "User cannot be confirmed",
        "This user is already confirmed: there is nothing to confirm, just sign in.",
    ),
    Explanation(
        "NotAuthorizedException",
        # AWS's wording is UNCONFIRMED ("A client attempted to write unauthorized attribute" in
        # users' reports), so any message about an attribute will do.
        "attribute",
        "This app client may not write that attribute (it isn't in the client's WriteAttributes): "
        "an administrator sets it with AdminUpdateUserAttributes, or add it to WriteAttributes only "
        "if users may choose its value.",
    ),
    # user pools: sign-in and tokens
    Explanation(
        "NotAuthorizedException",
        "Incorrect username or password",
        "Cognito couldn't match this password to the user: check it (passwords are case-sensitive) "
        "or reset it with ForgotPassword.",
    ),
    Explanation(
        "NotAuthorizedException",
        "Password attempts exceeded",
        "Too many wrong passwords in a row lock sign-in for a while: wait, then use the right password.",
    ),
    Explanation(
        "UserNotConfirmedException",
        "",
        "This user signed up but never confirmed: call ConfirmSignUp with the emailed code first "
        "(ResendConfirmationCode sends a new one).",
    ),
    Explanation(
        "UserNotFoundException",
        "",
        "No user has this username in this pool: check the spelling and the pool, or sign up first.",
    ),
    Explanation(
        "InvalidParameterException",
        "flow not enabled for this client",
        "This app client doesn't allow that sign-in flow: use one in its ExplicitAuthFlows (SRP here).",
    ),
    Explanation(
        "NotAuthorizedException",
        "(SECRET_HASH|configured (for|with) secret|secret hash)",
        "This app client has a secret, so every call needs a SECRET_HASH: code on a learner's device "
        "should use a client without one.",
    ),
    Explanation(
        "NotAuthorizedException",
        "Access Token has expired",
        "Access tokens expire (after an hour here): get fresh ones with the refresh token "
        "(InitiateAuth, REFRESH_TOKEN_AUTH) instead of asking for the password again.",
    ),
    Explanation(
        "NotAuthorizedException",
        "Token has been revoked",
        "This token was revoked (sign-out or RevokeToken): sign in again for new tokens.",
    ),
    Explanation(
        "NotAuthorizedException",
        "Invalid (Access|Refresh) Token",
        "Cognito doesn't recognise this token: it is damaged or from another pool; sign in again.",
    ),
    Explanation(
        "RefreshTokenReuseException",
        "",
        "Rotation replaced this refresh token and its grace period is over: use the newest refresh "
        "token the app was given, or sign in again.",
    ),
    # user pool triggers (notebook 14)
    Explanation(
        "UserLambdaValidationException",
        "",
        "The pool's Lambda trigger raised an error, and Cognito refused the operation with its "
        "message: read the function's log (/aws/lambda/<function>) to see why.",
    ),
    Explanation(
        "UnexpectedLambdaException",
        "AccessDeniedException",
        "Cognito may not invoke the trigger's function: add a statement to its resource-based policy "
        "(lambda add_permission) for cognito-idp.amazonaws.com with this pool's ARN as SourceArn.",
    ),
    Explanation(
        "InvalidLambdaResponseException",
        "",
        "The trigger's function must return the event it was given (with its response filled in).",
    ),
    # identity pools
    Explanation(
        "NotAuthorizedException",
        "Missing a required claim: aud",
        "That is the access token: the Logins map needs the ID token, whose aud names your app client.",
    ),
    Explanation(
        "NotAuthorizedException",
        "Issuer doesn't match providerName",
        # The same message for any provider: a user pool, or an OpenID Connect provider's key
        # written with https:// (notebook 08).
        "The Logins key must be the token's issuer (iss) without https://: "
        "cognito-idp.<region>.amazonaws.com/<user pool id> for a user pool, the provider's host "
        "(accounts.google.com) for an OpenID Connect provider.",
    ),
    Explanation(
        "NotAuthorizedException",
        "not from a supported provider",
        "The identity pool doesn't list this user pool and app client: "
        "add them to its CognitoIdentityProviders.",
    ),
    Explanation(
        "NotAuthorizedException",
        "Unauthenticated access is not supported",
        "This identity pool allows no guests: send a Logins map, or set AllowUnauthenticatedIdentities.",
    ),
    Explanation(
        "NotAuthorizedException",
        "signed out or deleted",
        "The identity pool asked the user pool (ServerSideTokenCheck) and this user has signed out "
        "everywhere, or been deleted, since the ID token was issued: sign in again.",
    ),
    Explanation(
        "NotAuthorizedException",
        "Token expired",
        "The ID token in Logins has expired: refresh it, then ask again.",
    ),
    Explanation(
        "NotAuthorizedException",
        r"Access to Identity .* is forbidden",
        "This identity belongs to a signed-in user: send that user's Logins with the request.",
    ),
    Explanation(
        "NotAuthorizedException",
        r"Access to Role .* is forbidden",
        "CustomRoleArn must be one of the roles in the token's cognito:roles claim: ask for one of "
        "those, or leave it out to get the preferred role.",
    ),
    Explanation(
        "NotAuthorizedException",
        "ambiguous role mapping rules",
        "No role fits this user (no role in the token, or no rule matched) and AmbiguousRoleResolution "
        "is Deny: give the user a group role or a matching rule, or set AuthenticatedRole.",
    ),
    Explanation(
        "InvalidParameterException",
        r"Basic \(classic\) flow is not enabled",
        "This identity pool has AllowClassicFlow off: use the enhanced flow (GetCredentialsForIdentity), "
        "or switch the basic flow on.",
    ),
    Explanation(
        "InvalidParameterException",
        r"not supported with RoleMappings",
        "The basic flow can't apply role mappings: use the enhanced flow, or remove the RoleMappings.",
    ),
    Explanation(
        "NotAuthorizedException",
        "does not support the specified developer provider",
        "The Logins key must be the identity pool's own DeveloperProviderName (set once, when the pool "
        "is created).",
    ),
    Explanation(
        "InvalidIdentityPoolConfigurationException",
        "",
        "Cognito couldn't assume the role: its trust policy must allow cognito-identity.amazonaws.com "
        "to call sts:AssumeRoleWithWebIdentity for this identity pool's id.",
    ),
    # IAM: trust policies
    Explanation(
        "MalformedPolicyDocument",
        # AWS's wording is UNCONFIRMED: match the condition key or the words "identity pool".
        r":aud|identity pool",
        "IAM won't let a role trust every identity pool: add the condition "
        "StringEquals cognito-identity.amazonaws.com:aud = your identity pool's id.",
    ),
    # API Gateway's answers at an invoke URL (the code is its x-amzn-ErrorType)
    Explanation(
        "UnauthorizedException",
        "The incoming token has expired",
        "The token's exp has passed: refresh it (InitiateAuth, REFRESH_TOKEN_AUTH) and send the new one.",
    ),
    Explanation(
        "UnauthorizedException",
        "",
        "The Cognito authorizer refused the token: a method without authorization scopes takes a valid "
        "ID token, a method with scopes an access token that carries one of them, from the authorizer's "
        "user pool; send that token in Authorization.",
    ),
    Explanation(
        "MissingAuthenticationTokenException",
        "",
        "API Gateway found no SigV4 signature, or no such method: sign an AWS_IAM method's request with "
        "AWS credentials for the service execute-api, and check the method and path are in the "
        "deployed stage (both get this answer).",
    ),
    Explanation(
        "IncompleteSignatureException",
        "",
        "This AWS_IAM method wants a SigV4 signature in Authorization, not a token: sign the request with "
        "AWS credentials, or give the method a Cognito authorizer.",
    ),
    Explanation(
        "InvalidSignatureException",
        "",
        "The signature doesn't match the request: sign with the caller's own secret key, for the service "
        "execute-api and this region, over the exact host, path and query you send.",
    ),
    Explanation(
        "AccessDeniedException",
        "execute-api:Invoke",
        "IAM refused: no policy of the caller's role allows execute-api:Invoke on this method's ARN "
        "(.../<stage>/<METHOD>/<path>); allow it in the role the caller's credentials act as.",
    ),
    Explanation(
        "InternalServerErrorException",
        "",
        "API Gateway got no answer from the function: Lambda refused to let it invoke the function "
        "(add_permission for apigateway.amazonaws.com with this API's source ARN), or the function "
        "failed or answered in the wrong shape; the execution log (offline: the lab's) says which.",
    ),
    # IAM decisions and temporary credentials
    Explanation(
        "AccessDenied",
        "Not authorized to perform sts:AssumeRoleWithWebIdentity",
        "STS refused the role: its trust policy must name this token's issuer (for Cognito tokens "
        "cognito-identity.amazonaws.com) and match its aud, and amr for identity pool roles.",
    ),
    Explanation(
        "AccessDenied",
        "",
        "IAM refused: no policy of this role allows this action on this resource, or a Deny matched; "
        "the message names the role, action and resource to look at.",
    ),
    Explanation(
        "AccessDeniedException",
        "",
        "IAM refused: no policy of this role allows this action on this resource, or a Deny matched; "
        "the message names the role, action and resource to look at.",
    ),
    Explanation(
        "ExpiredToken",
        "",
        "These temporary credentials have expired: ask the identity pool for new ones.",
    ),
    # checking a token yourself (PyJWT, pycognito)
    Explanation(
        "InvalidSignatureError",
        "",
        "The signature doesn't match the token's contents: it was changed after Cognito signed it, "
        "so trust none of its claims.",
    ),
    Explanation(
        "ExpiredSignatureError",
        "",
        "A basic-flow token lives 10 minutes and is for exchanging at once: call GetOpenIdToken "
        "again for a fresh one.",
        context=BASIC_FLOW_TOKEN,
    ),
    Explanation(
        "ExpiredSignatureError",
        "",
        "The token's exp time has passed: get a fresh token with the refresh token.",
    ),
    Explanation(
        "InvalidAudienceError",
        "",
        "A basic-flow token's aud is the identity pool's id: check it against your identity pool.",
        context=BASIC_FLOW_TOKEN,
    ),
    Explanation(
        "MissingRequiredClaimError",
        "aud",
        "This token has no aud claim, so it is an access token: check the ID token against your app client.",
    ),
    Explanation(
        "InvalidAudienceError",
        "",
        "The token was issued to another app client: its aud must be your client id.",
    ),
    Explanation(
        "InvalidIssuerError",
        "",
        "Another user pool issued this token: its iss must be your pool's URL.",
    ),
    Explanation(
        "PyJWKError",
        "",
        "None of the pool's public keys has the token's kid: another pool (or a forger) signed it.",
    ),
    Explanation(
        "TokenVerificationException",
        "",
        "pycognito checked the token against the pool's keys and it failed: see PyJWT's reason above.",
    ),
)

_FALLBACK = "The message above says what was wrong: fix the parameter it names and try again."


def _code_and_message(error: BaseException) -> tuple[str, str, str]:
    """(who answered, code, message) for an error from AWS, PyJWT, pycognito or the lab."""
    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        # Some AWS messages end in a newline ("...: The attribute is required\n").
        return "AWS", details.get("Code", "Unknown"), details.get("Message", "").rstrip()
    if isinstance(error, jwt.PyJWTError):
        return "PyJWT", type(error).__name__, str(error)
    if isinstance(error, pycognito.exceptions.WarrantException):
        return "pycognito", type(error).__name__, str(error)
    return "Lab", type(error).__name__, str(error)


def explain(error: BaseException) -> str:
    """One sentence on what went wrong and what to try."""
    _, code, message = _code_and_message(error)
    notes = "\n".join(getattr(error, "__notes__", ()))
    for explanation in EXPLANATIONS:
        if (
            explanation.code == code
            and re.search(explanation.pattern, message)
            and re.search(explanation.context, notes)
        ):
            return explanation.sentence
    return _FALLBACK


def describe(error: BaseException) -> str:
    """Who answered, the code and message as sent, and the sentence: two lines."""
    source, code, message = _code_and_message(error)
    if isinstance(error, LabError):
        return f"Lab: {message}"
    return f"{source}: {code}: {message}\nWhy: {explain(error)}"


EXPECTED_ERRORS = (ClientError, jwt.PyJWTError, pycognito.exceptions.WarrantException, LabError)


def api_error(response: requests.Response) -> tuple[str | None, str | None]:
    """An API's refusal: API Gateway's error type (`x-amzn-ErrorType`, else `HTTP <status>`) and its
    message (`{"message": ...}`, or `{"Message": ...}` from IAM); (None, None) for a 2xx answer."""
    if response.ok:
        return None, None
    code = (response.headers.get("x-amzn-ErrorType") or "").split(":")[0] or f"HTTP {response.status_code}"
    try:
        body = response.json()
    except ValueError:
        return code, response.text[:200]
    if isinstance(body, dict):
        said = body.get("message", body.get("Message"))
        return code, "null" if said is None else str(said)
    return code, response.text[:200]


def _sentence(code: str, message: str) -> str:
    for explanation in EXPLANATIONS:
        if explanation.code == code and re.search(explanation.pattern, message):
            return explanation.sentence
    return _FALLBACK


def answered(
    response: requests.Response, expected: int | None = None, rename: Callable[[str], str] | None = None
) -> None:
    """Print an API's answer as a break-it cell does: the status, API Gateway's error type and message,
    and one sentence on what went wrong and what to try (or that it succeeded).

    `expected` is the status the lesson expects; another one is said out loud. `rename` rewrites the
    message before it is printed (ids as names).
    """
    code, message = api_error(response)
    if message is not None and rename is not None:
        message = rename(message)
    if code is None:
        print(f"AWS: HTTP {response.status_code}: the call succeeded.")
    else:
        print(f"AWS: HTTP {response.status_code} {code}: {message}\nWhy: {_sentence(code, message or '')}")
    if expected is not None and response.status_code != expected:
        print(f"(This lesson expected HTTP {expected}.)")


@contextmanager
def expected(code: str | None = None) -> Iterator[None]:
    """Run a call that should fail; print its error and why instead of a traceback.

    `code` names the error the lesson expects; a different one (or none) is said out loud.
    Errors of other kinds (a bug, not a lesson) still raise.
    """
    try:
        yield
    except EXPECTED_ERRORS as error:
        print(describe(error))
        got = _code_and_message(error)[1]
        if code is not None and got != code:
            print(f"(This lesson expected {code}.)")
    else:
        print("No error: the call succeeded." + (f" (This lesson expected {code}.)" if code else ""))
