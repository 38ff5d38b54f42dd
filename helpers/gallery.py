"""The "break it" gallery (notebook 10): the mistakes learners make most, each made for real, and
one table to come back to.

`MISTAKES` is the catalogue: what you did, why AWS refuses it, the fix, the notebook that teaches
it, and how sure we are of AWS's wording. The notebook makes each mistake with a real call inside
`with book.expect(key):`, which prints AWS's code and message (ids replaced by names) and records
them; `book.table()` is then the one table, built from what AWS actually answered in this run.

The gallery has its own resources, all named `cognito-lab-gallery…` (`ensure_gallery`): its own
user pool, so breaking things never changes what another notebook prints.
"""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pyotp
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from helpers import (
    authenticator,
    errors,
    identitypool,
    managedlogin,
    oautherrors,
    passwordless,
    policies,
    show,
    storage,
    teams,
    userpool,
)
from helpers.identitypool import AUTHENTICATED, UNAUTHENTICATED
from helpers.lab import Lab

NOTEBOOK = "10_break_it_gallery"


@dataclass(frozen=True)
class Mistake:
    """One row of the gallery's table."""

    key: str
    did: str  # what you did
    code: str | None  # AWS's error code; None where AWS answers without an error (the surprise)
    pattern: str  # a regular expression searched in AWS's message ("" for none)
    why: str  # the one-line cause
    fix: str
    notebook: str  # the notebook that teaches it
    wording: str = ""  # how sure we are of AWS's exact message, when not quite


# In table order. The messages are the offline AWS's, which follow ../shared/research/aws-semantics.md
# section 2 (each with its public source); `wording` says where that source is weak.
MISTAKES = (
    Mistake(
        "wrong-password",
        "sign in with the wrong password",
        "NotAuthorizedException",
        "Incorrect username or password",
        "the SRP proof doesn't match the password the pool stores",
        "check the password (case-sensitive) or reset it with `ForgotPassword`",
        "01_user_pool",
    ),
    Mistake(
        "unconfirmed-user",
        "sign in before confirming the emailed code",
        "UserNotConfirmedException",
        "User is not confirmed",
        "sign-up isn't finished until `ConfirmSignUp` gets the code",
        "`ConfirmSignUp` with the newest code (`ResendConfirmationCode` sends one)",
        "01_user_pool",
    ),
    Mistake(
        "weak-password",
        "sign up with the password `password`",
        "InvalidPasswordException",
        "Password did not conform with",
        "the password breaks the pool's `PasswordPolicy`",
        "meet every rule of the policy (here: 12 characters, upper, lower, digits)",
        "01_user_pool",
        "seen as both 'did not conform with policy' and '... with password policy'",
    ),
    Mistake(
        "missing-secret-hash",
        "`InitiateAuth` on an app client that has a secret, without `SECRET_HASH`",
        "NotAuthorizedException",
        "configured (with|for) secret",
        "a client with a secret must prove it on every call",
        "send `SECRET_HASH` = Base64(HMAC-SHA256(secret, username + client id)), or use a client "
        "without a secret in apps",
        "01_user_pool",
        "AWS is seen with both 'configured for secret but secret was not received' and this",
    ),
    Mistake(
        "flow-not-enabled",
        "`InitiateAuth` with `USER_PASSWORD_AUTH` on an SRP-only app client",
        "InvalidParameterException",
        "flow not enabled for this client",
        "the app client allows only the flows in its `ExplicitAuthFlows`",
        "use SRP (pycognito), or add `ALLOW_USER_PASSWORD_AUTH` to the client",
        # AWS's message as a Lambda function logged it (aws-sdk, HTTP 400), published in
        # github.com/bizkite-co/handterm docs/chats/06/2024-06-30-AWS Cognito error fix_CDK config
        # modification for user authentication.md.
        "01_user_pool",
    ),
    Mistake(
        "access-token-in-logins",
        "put the access token in `Logins`",
        "NotAuthorizedException",
        "Missing a required claim: aud",
        "only the ID token has `aud`, the app client the identity pool checks",
        "send the ID token",
        "03_identity_pool",
        "observed in 2016; today's exact text UNCONFIRMED",
    ),
    Mistake(
        "wrong-logins-key",
        "`Logins` key with the region typed `us_east_1`",
        "NotAuthorizedException",
        "Issuer doesn't match providerName",
        "the key must be the token's `iss` without `https://`",
        "`cognito-idp.<region>.amazonaws.com/<user pool id>`, character for character",
        "03_identity_pool",
    ),
    Mistake(
        "client-not-registered",
        "sign in through an app client the identity pool doesn't list",
        "NotAuthorizedException",
        "not from a supported provider",
        "the identity pool accepts only the user pool and app client pairs it lists",
        "add the pair to `CognitoIdentityProviders` (or sign in through the listed client)",
        "03_identity_pool",
    ),
    Mistake(
        "guests-not-allowed",
        "`GetId` without `Logins` on a pool with guests off",
        "NotAuthorizedException",
        "Unauthenticated access is not supported",
        "`AllowUnauthenticatedIdentities` is false",
        "send the user's `Logins`, or allow guests (and give them a guest role)",
        "03_identity_pool",
    ),
    Mistake(
        "bad-trust-policy",
        "give the identity pool a role whose trust policy was copied from an EC2 role",
        "InvalidIdentityPoolConfigurationException",
        "Check assigned IAM roles",
        "the trust policy lets `ec2.amazonaws.com` call `sts:AssumeRole`; Cognito asks for "
        "`sts:AssumeRoleWithWebIdentity` as `cognito-identity.amazonaws.com`, and STS said no",
        "trust `Federated: cognito-identity.amazonaws.com`, `sts:AssumeRoleWithWebIdentity`, `aud` = "
        "this pool's id, `amr`",
        "03_identity_pool",
    ),
    Mistake(
        "abac-without-tag-session",
        "principal tags on, the role's trust policy without `sts:TagSession`",
        "InvalidIdentityPoolConfigurationException",
        "Check assigned IAM roles",
        "passing session tags needs `sts:TagSession`; the message doesn't say so",
        "add `sts:TagSession` to the trust policy's actions",
        "07_rules_and_attributes",
    ),
    Mistake(
        "group-role-ignored",
        "give a group a role and expect its members to get it",
        None,
        "",
        "an identity pool ignores `cognito:roles` until told to choose the role from the token; "
        "of several groups only the lowest `Precedence` is preferred",
        "a `Token` role mapping for the user pool's app client (`CustomRoleArn` for the other roles)",
        "06_groups_and_roles",
    ),
    Mistake(
        "user-writes-role-claim",
        "a rule picks the role from `custom:department`, and the app client lets users write it",
        None,
        "",
        "a user may set any attribute in the app client's `WriteAttributes` with `UpdateUserAttributes` "
        "and their own access token; the next ID token carries it, and the rule believes it",
        "leave it out of every app client's `WriteAttributes` (users then get `NotAuthorizedException`) "
        "and set it with `AdminUpdateUserAttributes`",
        "07_rules_and_attributes",
    ),
    Mistake(
        "keys-from-user-pool-sub",
        "build S3 keys from the ID token's `sub`",
        "AccessDenied",
        "not authorized to perform: s3:PutObject",
        "`${cognito-identity.amazonaws.com:sub}` is the identity id, not the user pool `sub`",
        "build keys from the identity id `GetId` returned",
        "04_side_by_side",
    ),
    Mistake(
        "aws-userid-variable",
        "a policy naming `${aws:userid}` for the user's folder",
        "AccessDenied",
        "not authorized to perform: s3:PutObject",
        "for identity pool credentials `aws:userid` is `<role id>:CognitoIdentityCredentials`, the "
        "same for every user",
        "use `${cognito-identity.amazonaws.com:sub}`",
        "04_side_by_side",
    ),
    Mistake(
        "typo-policy-variable",
        "a policy naming `${cognito-identity.amazon.com:sub}` (no `aws`)",
        "AccessDenied",
        "not authorized to perform: s3:PutObject",
        "an unknown variable has no value, so its statement matches nothing; IAM accepts it silently",
        "`${cognito-identity.amazonaws.com:sub}`, spelled exactly",
        "04_side_by_side",
    ),
    Mistake(
        "identity-id-changes",
        "a guest signs in, and the app calls `GetId` with the login alone; or asks another identity pool",
        None,
        "",
        "`GetId` finds the login's own identity; each identity pool has its own ids",
        "send the guest's `IdentityId` with the first sign-in, so the login joins it; one pool per app",
        "08_other_identity_providers",
    ),
    Mistake(
        "guest-outside-scope-down",
        "a guest role allows `iam:ListRoles`; a guest calls it (enhanced flow)",
        "AccessDenied",
        "no session policy allows",
        "enhanced-flow guest credentials carry AWS's scope-down: only a fixed list of services",
        "keep guests to the listed services (S3, DynamoDB, ...), or the basic flow",
        "09_enhanced_vs_basic_flow",
        "the managed half is published; the inline half's text is not, only its service list",
    ),
    Mistake(
        "basic-flow-off",
        "`GetOpenIdToken` on a pool with `AllowClassicFlow` off",
        "InvalidParameterException",
        r"Basic \(classic\) flow is not enabled",
        "the basic flow is off unless the pool switches it on",
        "use `GetCredentialsForIdentity`, or set `AllowClassicFlow: True`",
        "09_enhanced_vs_basic_flow",
    ),
    # API Gateway (notebook 11): the code is API Gateway's x-amzn-ErrorType, the message its body's.
    Mistake(
        "access-token-for-id-token",
        "send the access token to a method whose Cognito authorizer lists no scopes",
        "UnauthorizedException",
        "^Unauthorized$",
        "without authorization scopes a Cognito authorizer takes an ID token",
        "send the ID token (or give the method the scopes your access tokens carry)",
        "11_api_gateway",
    ),
    Mistake(
        "id-token-for-access-token",
        "send the ID token to a method with authorization scopes",
        "UnauthorizedException",
        "^Unauthorized$",
        "with scopes the authorizer takes an access token that carries one of them; an ID token has none",
        "send the access token",
        "11_api_gateway",
    ),
    Mistake(
        "missing-scope",
        "call a method that wants `notes/export` with an access token from an SRP sign-in",
        "UnauthorizedException",
        "^Unauthorized$",
        "a sign-in through the user pools API gives `aws.cognito.signin.user.admin` only; custom scopes "
        "come from a resource server, through the OAuth 2.0 endpoints",
        "request the scope from the authorization server (managed login), or list a scope the token has",
        "11_api_gateway",
    ),
    Mistake(
        "unsigned-iam-call",
        "call an `AWS_IAM` method without a SigV4 signature",
        "MissingAuthenticationTokenException",
        "Missing Authentication Token",
        "an `AWS_IAM` method wants a request signed for `execute-api`; a path that doesn't exist gets the "
        "same answer",
        "sign with the caller's AWS credentials (botocore's `SigV4Auth`, service `execute-api`)",
        "11_api_gateway",
    ),
    Mistake(
        "no-execute-api-invoke",
        "sign the call with credentials whose role has no `execute-api:Invoke`",
        "AccessDeniedException",
        "not authorized to perform: execute-api:Invoke",
        "IAM checks `execute-api:Invoke` on the method's ARN against the caller's role",
        "allow `execute-api:Invoke` on "
        "`arn:aws:execute-api:<region>:<account>:<api id>/<stage>/<METHOD>/<path>` in that role",
        "11_api_gateway",
    ),
    Mistake(
        "no-lambda-permission",
        "point a method at a function whose policy doesn't let API Gateway invoke it for that method",
        "InternalServerErrorException",
        "Internal server error",
        "Lambda refuses API Gateway without a statement for `apigateway.amazonaws.com` and the method's "
        'source ARN; the client sees a 500, the execution log "Invalid permissions on Lambda function"',
        "`AddPermission` for `apigateway.amazonaws.com` with `SourceArn` "
        "`arn:aws:execute-api:...:<api id>/*/GET/<path>`",
        "11_api_gateway",
    ),
    Mistake(
        "trusts-user-supplied-id",
        "a function takes whose notes to return from `?owner=` instead of the token's claims",
        None,
        "",
        "the authorizer says who is calling, not whose data: any signed-in user sets `?owner=` to "
        "someone else's id (OWASP API1:2023, broken object level authorization)",
        "take the owner from `requestContext.authorizer.claims` (or `.identity`) and refuse any other",
        "11_api_gateway",
    ),
    # Managed login's OAuth 2.0 endpoints answer over HTTP: the code is the OAuth error code, the
    # pattern is searched in the answer as `oautherrors.describe` prints it (Gallery.oauth_answered).
    Mistake(
        "oauth-wrong-verifier",
        "redeem a code with another `code_verifier` than the one whose hash was the challenge",
        "invalid_grant",
        r"HTTP 400",
        "PKCE: Cognito hashes the verifier (S256) and compares it with the authorize request's "
        "`code_challenge`; a stolen code is useless without the verifier",
        "send the verifier the app made for this sign-in (keep it with the `state`)",
        "12_managed_login",
    ),
    Mistake(
        "oauth-reused-code",
        "redeem the same authorization code twice",
        "invalid_grant",
        r"HTTP 400",
        "a code works once, for five minutes; the token endpoint doesn't say which check failed",
        "keep the tokens from the first exchange and renew them with the refresh token",
        "12_managed_login",
    ),
    Mistake(
        "oauth-unregistered-redirect",
        "an authorize URL whose `redirect_uri` isn't in the app client's `CallbackURLs`",
        "redirect_mismatch",
        r"/error\?error=redirect_mismatch",
        "Cognito sends codes only to registered URLs, so an attacker's URL never gets one: it shows "
        "its own error page instead of redirecting",
        "register the exact URL (scheme, host, port, path) in the client's `CallbackURLs`",
        "12_managed_login",
        "the page as observed (2023); its one sentence, 'An error was encountered with the requested "
        "page.', is AWS's",
    ),
    Mistake(
        "oauth-disallowed-scope",
        "ask for a scope the app client may not ask for (a resource server's `notes.write`)",
        "invalid_scope",
        r"/error\?error=invalid_scope",
        "a client gets only the scopes in its `AllowedOAuthScopes`",
        "ask only for allowed scopes, or add the scope (`<resource server>/<scope>`) to the client",
        "12_managed_login",
        "observed in 2024; the 2023 Developer Guide said such scopes were ignored, UNCONFIRMED today",
    ),
    # Notebook 13's sign-in: feature plans, emailed codes, passkeys, TOTP MFA (the gallery's own
    # passwordless pool, `ensure_gallery_passwordless`).
    Mistake(
        "lite-passwordless",
        "create a Lite user pool that allows emailed codes as a first factor",
        "FeatureUnavailableInTierException",
        "Passwordless Sign-In",
        "choice-based sign-in, emailed codes and passkeys need the Essentials plan or higher",
        "`UserPoolTier` `ESSENTIALS` (the default for new pools), or a Lite pool with `PASSWORD` only",
        "13_passwordless_and_mfa",
    ),
    Mistake(
        "email-code-twice",
        "answer an `EMAIL_OTP` challenge again with the code that already signed the user in",
        "NotAuthorizedException",
        "Invalid session for the user",
        "the sign-in's `Session` ended with the right answer, and the code with it",
        "keep the tokens of the first answer; a new sign-in (`InitiateAuth`) sends a new code",
        "13_passwordless_and_mfa",
        "AWS's text for an invalid session; for a session already used UNCONFIRMED",
    ),
    Mistake(
        "email-code-expired",
        "answer an `EMAIL_OTP` challenge after the app client's `AuthSessionValidity` (3 minutes)",
        "NotAuthorizedException",
        "session is expired",
        "the emailed code lasts as long as the sign-in session",
        "start a new sign-in for a new code, or give the client a longer `AuthSessionValidity` (up to 15)",
        "13_passwordless_and_mfa",
        "observed for MFA codes; that email sign-in codes last the session is UNCONFIRMED",
    ),
    Mistake(
        "passkey-other-origin",
        "answer a `WEB_AUTHN` challenge with a passkey assertion made at another origin",
        "NotAuthorizedException",
        "WebAuthn",
        "the browser writes the page's origin into the signed client data; Cognito takes only origins "
        "of the pool's relying party",
        "use passkeys on the relying party's own site (its `RelyingPartyId`, or a subdomain)",
        "13_passwordless_and_mfa",
        "RespondToAuthChallenge documents no WebAuthn error: the code is the lab's reading, the "
        "text the lab's",
    ),
    Mistake(
        "totp-wrong-code",
        "answer `SOFTWARE_TOKEN_MFA` with the authenticator's code of a minute and a half ago",
        "CodeMismatchException",
        "Invalid code received for user",
        "Cognito takes the code of now, 30 s either side",
        "type the code the app shows now; check the device's clock",
        "13_passwordless_and_mfa",
    ),
    Mistake(
        "totp-reused-code",
        "answer `SOFTWARE_TOKEN_MFA` with the code that just verified the authenticator",
        "ExpiredCodeException",
        "already been used once",
        "each TOTP code works once, so a code someone saw can't be replayed",
        "wait for the app's next code (every 30 s)",
        "13_passwordless_and_mfa",
        "the message is observed; its code ExpiredCodeException UNCONFIRMED",
    ),
    # Notebook 14's triggers and sessions (the gallery's passwordless pool, and a pool whose token
    # trigger is the gallery's API function, `ensure_gallery_trigger_pool`).
    Mistake(
        "trigger-not-invokable",
        "name a function as the pool's pre token generation trigger without letting Cognito invoke it",
        "UnexpectedLambdaException",
        "invocation failed due to error AccessDeniedException",
        "a function runs only for whom its resource-based policy allows; the pool issues no tokens",
        "`lambda add_permission` for `cognito-idp.amazonaws.com` with the pool's ARN as `SourceArn`",
        "14_triggers_and_sessions",
        "observed for PostConfirmation (2021); the pattern for other triggers is UNCONFIRMED",
    ),
    Mistake(
        "revoked-refresh-token",
        "refresh with a refresh token the app revoked (`RevokeToken`, signing out of one device)",
        "NotAuthorizedException",
        "Refresh Token has been revoked",
        "`RevokeToken` ends the refresh token and every access token issued with it",
        "sign in again; an app deletes the tokens it revoked",
        "14_triggers_and_sessions",
    ),
    Mistake(
        "signed-out-access-token",
        "call `GetUser` with an access token after the user signed out everywhere (`GlobalSignOut`)",
        "NotAuthorizedException",
        "Access Token has been revoked",
        "global sign-out revokes every access and refresh token the user holds; ID tokens and AWS "
        "credentials already issued are not revoked",
        "sign in again; for identity pools turn on `ServerSideTokenCheck`",
        "14_triggers_and_sessions",
    ),
)
_BY_KEY = {mistake.key: mistake for mistake in MISTAKES}
NOT_RUN = "(not made yet: run its cell above)"

# Ids nobody named: generic names, so the table reads the same on every run (and on real AWS).
_GENERIC = (
    (re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d:[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}"), "<identity id>"),
    (re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d_[A-Za-z0-9]+"), "<user pool id>"),
    (re.compile(r"[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}"), "<uuid>"),
    (re.compile(r"\bAROA[A-Z0-9]{16,}"), "<role id>"),
    (re.compile(r"\b[a-z0-9]{26}\b"), "<app client id>"),
)


class Gallery:
    """What AWS answered to each mistake in this run, with ids replaced by names."""

    def __init__(self) -> None:
        self.said: dict[str, str] = {}  # mistake key -> "Code: message", or what happened instead
        self._names: dict[str, str] = {}

    def name(self, value: str, label: str) -> None:
        """From now on print `label` wherever `value` (an id) appears."""
        self._names[value] = label

    def named(self, text: str) -> str:
        """`text` with named ids replaced (longest first), then any other id by its kind."""
        for value in sorted(self._names, key=len, reverse=True):
            text = text.replace(value, self._names[value])
        for pattern, label in _GENERIC:
            text = pattern.sub(label, text)
        return text

    @contextlib.contextmanager
    def expect(self, key: str) -> Iterator[None]:
        """Make mistake `key`: print AWS's error, the cause and the fix, and keep it for the table.

        Like `errors.expected`, an AWS error is the lesson and "Run All" goes on; any other
        exception is a bug and raises.
        """
        mistake = _BY_KEY[key]
        try:
            yield
        except ClientError as error:
            details = error.response.get("Error", {})
            code, message = details.get("Code", "Unknown"), details.get("Message", "").rstrip()
            self.said[key] = f"{code}: {self.named(message)}"
            print(f"AWS: {self.said[key]}")
            if (code, bool(re.search(mistake.pattern, message))) != (mistake.code, True):
                print(f"(The gallery expected {mistake.code} saying {mistake.pattern!r}.)")
        else:
            self.said[key] = "no error"
            print(f"No error: the call succeeded. (The gallery expected {mistake.code}.)")
        _print_cause_and_fix(mistake)

    def oauth_answered(self, key: str, response: requests.Response) -> None:
        """Record managed login's HTTP answer to mistake `key` (an OAuth 2.0 error, not a boto3
        one): print it, the cause and the fix, and keep it for the table."""
        mistake = _BY_KEY[key]
        code = oautherrors.error_of(response)
        described = self.named(oautherrors.describe(response))
        self.said[key] = f"{code}: {described}" if code else f"no error: {described}"
        print(f"AWS: {self.said[key]}")
        if (code, bool(re.search(mistake.pattern, described))) != (mistake.code, True):
            print(f"(The gallery expected {mistake.code} matching {mistake.pattern!r}.)")
        _print_cause_and_fix(mistake)

    def api_answered(self, key: str, response: requests.Response) -> None:
        """Record and print an API's answer to mistake `key` (an HTTP answer raises nothing): the
        status, API Gateway's error type and message, then the cause and the fix."""
        mistake = _BY_KEY[key]
        code, message = errors.api_error(response)
        if code is None:
            self.said[key] = f"no error: HTTP {response.status_code}"
            print(f"No error: HTTP {response.status_code}. (The gallery expected {mistake.code}.)")
        else:
            self.said[key] = f"HTTP {response.status_code} {code}: {self.named(message or '')}"
            print(f"AWS: {self.said[key]}")
            if (code, bool(re.search(mistake.pattern, message or ""))) != (mistake.code, True):
                print(f"(The gallery expected {mistake.code} saying {mistake.pattern!r}.)")
        _print_cause_and_fix(mistake)

    def observe(self, key: str, what_happened: str) -> None:
        """Record a mistake AWS answers without an error (the surprise), and print it."""
        mistake = _BY_KEY[key]
        self.said[key] = f"no error: {self.named(what_happened)}"
        print(f"AWS: {self.said[key]}")
        _print_cause_and_fix(mistake)

    def skipped(self, key: str, why: str) -> None:
        """Record a mistake this run can't make (on real AWS, one that needs the clock moved)."""
        if key not in _BY_KEY:
            raise KeyError(key)
        self.said[key] = f"not made here: {why}"
        print(f"Skipped: {why}.")

    def missing(self) -> list[str]:
        """The mistakes not made yet in this run."""
        return [mistake.key for mistake in MISTAKES if mistake.key not in self.said]

    def rows(self) -> list[list[str]]:
        """The table's rows: number, what you did, what AWS said, why, fix, notebook."""
        rows = []
        for number, mistake in enumerate(MISTAKES, start=1):
            said = self.said.get(mistake.key, NOT_RUN)
            if mistake.wording and mistake.key in self.said:
                said += f" [wording: {mistake.wording}]"
            rows.append([str(number), mistake.did, said, mistake.why, mistake.fix, mistake.notebook])
        return rows

    def table(self) -> Table:
        """The one table: renders as Markdown in JupyterLab, prints as aligned text elsewhere."""
        return Table(self.rows())

    def which(self, error: ClientError) -> list[Mistake]:
        """The mistakes whose code and message match this error (several can share one message)."""
        details = error.response.get("Error", {})
        code, message = details.get("Code"), details.get("Message", "")
        return [m for m in MISTAKES if m.code == code and re.search(m.pattern, message)]

    @contextlib.contextmanager
    def diagnose(self) -> Iterator[None]:
        """Run a call that fails; print AWS's error and the rows of the table it could be."""
        try:
            yield
        except ClientError as error:
            details = error.response.get("Error", {})
            print(f"AWS: {details.get('Code')}: {self.named(details.get('Message', '').rstrip())}")
            rows = {m.key: n for n, m in enumerate(MISTAKES, start=1)}
            found = self.which(error)
            for mistake in found:
                print(f"Row {rows[mistake.key]}: {_plain(mistake.did)}. Fix: {_plain(mistake.fix)}.")
            if not found:
                print("No row of the gallery matches: read the message, it names what to change.")
        else:
            print("No error: the call succeeded.")


def _plain(text: str) -> str:
    """Text without the Markdown backticks, for printing."""
    return text.replace("`", "")


def _print_cause_and_fix(mistake: Mistake) -> None:
    print(f"Why: {_plain(mistake.why)}.")
    print(f"Fix: {_plain(mistake.fix)}.")
    if mistake.wording:
        print(f"(AWS's wording: {mistake.wording}.)")


HEADERS = ("#", "what you did", "AWS says (code: message)", "why", "fix", "notebook")


def _markdown_cell(text: str) -> str:
    """One table cell as Markdown: code spans kept, everything else escaped (`<id>`, `$`, `*`)."""
    parts = re.split(r"(`[^`]*`)", text)
    out = []
    for part in parts:
        if part.startswith("`") and part.endswith("`") and len(part) > 1:
            out.append(part.replace("|", "\\|"))
            continue
        part = re.sub(r"([\\|*_$\[\]])", r"\\\1", part)
        out.append(part.replace("<", "&lt;").replace(">", "&gt;"))
    return "".join(out)


@dataclass(frozen=True)
class Table:
    """The gallery's table: Markdown for JupyterLab to render, aligned plain text for everyone else."""

    rows: list[list[str]]

    def _repr_markdown_(self) -> str:
        lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
        lines += ["| " + " | ".join(_markdown_cell(cell) for cell in row) + " |" for row in self.rows]
        return "\n".join(lines)

    def __repr__(self) -> str:
        text = io.StringIO()
        with contextlib.redirect_stdout(text):
            show.table([[_plain(cell) for cell in row] for row in self.rows], HEADERS)
        return text.getvalue().rstrip("\n")


# --- the gallery's own resources ------------------------------------------------------------------

USER_POOL = "gallery-users"
WEB, OTHER_APP, SERVER, SIGNUP_FORM = "web", "other-app", "server", "signup-form"
UNCONFIRMED_USER, UNCONFIRMED_PASSWORD = "grace", "Grace-Grows-Grapes-9"
SIGNED_IN_ROLE, EDITOR_ROLE, GUEST_ROLE = (
    "gallery-signed-in-role",
    "gallery-editor-role",
    "gallery-guest-role",
)
UNTAGGED_ROLE, WRONG_TRUST_ROLE = "gallery-untagged-role", "gallery-wrong-trust-role"
BUCKET = "gallery-notes"


@dataclass(frozen=True)
class GallerySetup:
    """Everything the gallery breaks things with (see `ensure_gallery`)."""

    user_pool_id: str
    provider: str  # the user pool's provider name: the Logins key
    clients: dict[str, str]  # app client name -> id
    pool_id: str  # identity pool `cognito-lab-gallery`: no guests, no basic flow, no role mapping
    guests_pool_id: str  # `cognito-lab-gallery-guests`: guests allowed
    tags_pool_id: str  # `cognito-lab-gallery-tags`: principal tags from claims
    trust_pool_id: str  # `cognito-lab-gallery-trust`: its role trusts EC2, not Cognito Identity
    rules_pool_id: str  # `cognito-lab-gallery-rules`: the editor role for custom:department engineering
    bucket: str
    roles: dict[str, str]  # role base name -> ARN


def gallery_policy(bucket: str) -> dict[str, Any]:
    """The signed-in role's policy: one right folder statement and the two wrong variables."""
    arn = f"arn:aws:s3:::{bucket}"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "OwnFolder",
                "Effect": "Allow",
                "Action": "s3:PutObject",
                "Resource": f"{arn}/private/${{cognito-identity.amazonaws.com:sub}}/*",
            },
            {
                # The mistake of several tutorials: aws:userid is the role session's id.
                "Sid": "UseridFolder",
                "Effect": "Allow",
                "Action": "s3:PutObject",
                "Resource": f"{arn}/userid/${{aws:userid}}/*",
            },
            {
                # The typo fixed in aws-amplify/amplify-backend#1084.
                "Sid": "TypoFolder",
                "Effect": "Allow",
                "Action": "s3:PutObject",
                "Resource": f"{arn}/typo/${{cognito-identity.amazon.com:sub}}/*",
            },
        ],
    }


# The trust policy of a role made for EC2 (IAM User Guide, "Creating a role to delegate permissions
# to an AWS service"; the console's "AWS service: EC2" role): EC2 instances may assume it with
# sts:AssumeRole. Copied onto an identity pool's role, it lets Cognito Identity do nothing.
EC2_TRUST_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


# Outside the services AWS lets enhanced-flow guests use: what the scope-down refuses.
GUEST_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "ListRoles", "Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*"}],
}


def _ensure_client(lab: Lab, user_pool_id: str, name: str, request: dict[str, Any]) -> str:
    found = lab.find_app_client(user_pool_id, name)
    if found is not None:
        return found
    idp = lab.client("cognito-idp")
    return str(idp.create_user_pool_client(**{**request, "ClientName": name})["UserPoolClient"]["ClientId"])


def _ensure_roles(
    lab: Lab, pool_id: str, roles: dict[str, str], mappings: dict[str, Any] | None = None
) -> None:
    """Give identity pool `pool_id` these roles and role mappings unless it has them."""
    identity = lab.client("cognito-identity")
    found = identity.get_identity_pool_roles(IdentityPoolId=pool_id)
    if (found.get("Roles"), found.get("RoleMappings") or None) != (roles, mappings):
        extra = {"RoleMappings": mappings} if mappings else {}
        identity.set_identity_pool_roles(IdentityPoolId=pool_id, Roles=roles, **extra)


def _trusting(pool_ids: list[str], amr: str) -> dict[str, Any]:
    """Notebook 03's trust policy for several identity pools: `aud` may be any of them."""
    trust = identitypool.trust_policy(pool_ids[0], amr)
    trust["Statement"][0]["Condition"]["StringEquals"][f"{identitypool.FEDERATED}:aud"] = pool_ids
    return trust


def _rules_mapping(provider: str, client_id: str, editor_role_arn: str) -> dict[str, Any]:
    """`cognito-lab-gallery-rules`' mapping: engineering gets the editor role, anyone else the default."""
    return {
        f"{provider}:{client_id}": {
            "Type": "Rules",
            "AmbiguousRoleResolution": "AuthenticatedRole",
            "RulesConfiguration": {
                "Rules": [
                    {
                        "Claim": teams.DEPARTMENT_CLAIM,
                        "MatchType": "Equals",
                        "Value": "engineering",
                        "RoleARN": editor_role_arn,
                    }
                ]
            },
        }
    }


def ensure_gallery(lab: Lab) -> GallerySetup:
    """Find or create the gallery's resources, all `cognito-lab-gallery…`; prints one line.

    A user pool with a `custom:department` attribute (clients `web`, `other-app`, `server` with a
    secret, `signup-form` whose users may write their department; Alice and Carol confirmed, Carol
    in groups `editors` and `members`; Grace never confirmed), a bucket, and five identity pools
    that each hold one kind of mistake, so none needs to be undone afterwards.
    """
    idp, identity = lab.client("cognito-idp"), lab.client("cognito-identity")
    user_pool_id = lab.find_user_pool(lab.name(USER_POOL))
    note = "found"
    if user_pool_id is None:
        request = {**userpool.pool_request(lab), "PoolName": lab.name(USER_POOL)}
        user_pool_id = idp.create_user_pool(**request)["UserPool"]["Id"]
        note = "created"
    teams.ensure_department_attribute(lab, user_pool_id)
    srp = userpool.client_request(user_pool_id)
    secret = {
        "UserPoolId": user_pool_id,
        "GenerateSecret": True,
        "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    }
    clients = {
        WEB: _ensure_client(lab, user_pool_id, WEB, srp),
        OTHER_APP: _ensure_client(lab, user_pool_id, OTHER_APP, srp),
        SERVER: _ensure_client(lab, user_pool_id, SERVER, secret),
        # The mistake: the sign-up form asks for the department, so its client may write it.
        SIGNUP_FORM: _ensure_client(
            lab, user_pool_id, SIGNUP_FORM, {**srp, "WriteAttributes": ["email", teams.DEPARTMENT_CLAIM]}
        ),
    }
    for username in ("alice", "carol"):
        userpool.ensure_confirmed_user(lab, user_pool_id, clients[WEB], username)
    if lab.find_user(user_pool_id, UNCONFIRMED_USER) is None:
        idp.sign_up(
            ClientId=clients[WEB],
            Username=UNCONFIRMED_USER,
            Password=UNCONFIRMED_PASSWORD,
            UserAttributes=[{"Name": "email", "Value": lab.email(UNCONFIRMED_USER)}],
        )

    provider = identitypool.provider_name(lab, user_pool_id)
    ours, form = [(provider, clients[WEB])], [(provider, clients[SIGNUP_FORM])]
    pools = {
        base: teams.ensure_lesson_pool(lab, teams.pool_request(lab, base, providers=listed, **extra))[0]
        for base, listed, extra in (
            ("gallery", ours, {}),
            ("gallery-guests", ours, {"guests": True}),
            ("gallery-tags", ours, {}),
            ("gallery-trust", ours, {}),
            ("gallery-rules", form, {}),
        )
    }
    # The signed-in and editor roles serve two pools: `gallery` and `gallery-rules`.
    signed_in_trust = _trusting([pools["gallery"], pools["gallery-rules"]], AUTHENTICATED)
    trusts = {
        SIGNED_IN_ROLE: signed_in_trust,
        EDITOR_ROLE: signed_in_trust,
        GUEST_ROLE: identitypool.trust_policy(pools["gallery-guests"], UNAUTHENTICATED),
        UNTAGGED_ROLE: identitypool.trust_policy(pools["gallery-tags"], AUTHENTICATED),
        WRONG_TRUST_ROLE: EC2_TRUST_POLICY,
    }
    roles = {base: identitypool.ensure_role(lab, base, trust)[0] for base, trust in trusts.items()}

    bucket = lab.bucket_name(BUCKET)
    if lab.find_bucket(bucket) is None:
        lab.client("s3").create_bucket(Bucket=bucket)
        lab.client("s3").put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": lab.tag_list()})
    storage.put_role_policy_if_changed(lab, lab.name(SIGNED_IN_ROLE), gallery_policy(bucket))
    storage.put_role_policy_if_changed(lab, lab.name(GUEST_ROLE), GUEST_POLICY)

    _ensure_roles(lab, pools["gallery"], {AUTHENTICATED: roles[SIGNED_IN_ROLE]})
    _ensure_roles(lab, pools["gallery-guests"], {UNAUTHENTICATED: roles[GUEST_ROLE]})
    _ensure_roles(lab, pools["gallery-tags"], {AUTHENTICATED: roles[UNTAGGED_ROLE]})
    _ensure_roles(lab, pools["gallery-trust"], {AUTHENTICATED: roles[WRONG_TRUST_ROLE]})
    _ensure_roles(
        lab,
        pools["gallery-rules"],
        {AUTHENTICATED: roles[SIGNED_IN_ROLE]},
        _rules_mapping(provider, clients[SIGNUP_FORM], roles[EDITOR_ROLE]),
    )
    identity.set_principal_tag_attribute_map(
        IdentityPoolId=pools["gallery-tags"],
        IdentityProviderName=provider,
        UseDefaults=False,
        PrincipalTags={"username": "cognito:username"},
    )

    teams.ensure_group(lab, user_pool_id, "editors", roles[EDITOR_ROLE], 1)
    teams.ensure_group(lab, user_pool_id, "members", roles[SIGNED_IN_ROLE], 10)
    member_of = {
        g["GroupName"]
        for g in idp.admin_list_groups_for_user(UserPoolId=user_pool_id, Username="carol")["Groups"]
    }
    for group in {"editors", "members"} - member_of:
        idp.admin_add_user_to_group(UserPoolId=user_pool_id, Username="carol", GroupName=group)
    identitypool.wait_for_iam(lab)
    print(
        f"Using user pool {lab.name(USER_POOL)} ({note}) with its clients and users, identity pools "
        f"{', '.join(lab.name(base) for base in pools)}, bucket {bucket}."
    )
    return GallerySetup(
        user_pool_id,
        provider,
        clients,
        pools["gallery"],
        pools["gallery-guests"],
        pools["gallery-tags"],
        pools["gallery-trust"],
        pools["gallery-rules"],
        bucket,
        roles,
    )


# --- managed login in the gallery's user pool -----------------------------------------------------

LOGIN_CLIENT = "notes-login"
NOTES_SCOPE = f"{managedlogin.NOTES_API}/notes.read"


@dataclass(frozen=True)
class GalleryLogin:
    """The gallery user pool's domain and an OAuth 2.0 app client for the notes app (notebook 12's
    settings): what the OAuth mistakes are made against."""

    domain: str  # <prefix>.auth.<region>.amazoncognito.com
    client_id: str

    @property
    def token_url(self) -> str:
        return f"https://{self.domain}/oauth2/token"

    def authorize_url(self, **changes: str) -> str:
        """An authorization code request for Alice's notes, changed where `changes` says."""
        params = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": managedlogin.NOTES_CALLBACK,
            "scope": f"openid {NOTES_SCOPE}",
            **changes,
        }
        return f"https://{self.domain}/oauth2/authorize?" + urlencode(params)

    def code_for(self, lab: Lab, username: str, **changes: str) -> str:
        """`username` signs in on the page in a new browser: the code the callback gets."""
        location = managedlogin.sign_in(
            managedlogin.web(lab), self.authorize_url(**changes), username, userpool.PASSWORDS[username]
        )
        return managedlogin.query(location)["code"]

    def token_request(self, code: str, **extra: str) -> dict[str, str]:
        """The token request for `code` (notebook 12 writes it out)."""
        return {
            "grant_type": "authorization_code",
            "client_id": self.client_id,
            "code": code,
            "redirect_uri": managedlogin.NOTES_CALLBACK,
            **extra,
        }


def ensure_gallery_login(lab: Lab, setup: GallerySetup) -> GalleryLogin:
    """Find or create the gallery pool's domain, the notes API's resource server and an OAuth 2.0
    app client (code flow, PKCE, `notes.read` but not `notes.write`); prints one line."""
    prefix = managedlogin.domain_prefix(lab, "gallery")
    notes = [managedlogin.ensure_domain(lab, setup.user_pool_id, prefix)]
    scopes = [
        {"ScopeName": "notes.read", "ScopeDescription": "Read your notes"},
        {"ScopeName": "notes.write", "ScopeDescription": "Write your notes"},
    ]
    api = {"Identifier": managedlogin.NOTES_API, "Name": "notes api", "Scopes": scopes}
    notes.append(managedlogin.ensure_resource_server(lab, setup.user_pool_id, api))
    client_id, note = managedlogin.ensure_app_client(
        lab,
        setup.user_pool_id,
        {
            "ClientName": LOGIN_CLIENT,
            "GenerateSecret": False,
            "AllowedOAuthFlowsUserPoolClient": True,
            "AllowedOAuthFlows": ["code"],
            "AllowedOAuthScopes": ["openid", "email", NOTES_SCOPE],
            "CallbackURLs": [managedlogin.NOTES_CALLBACK],
            "SupportedIdentityProviders": ["COGNITO"],
            "ExplicitAuthFlows": ["ALLOW_REFRESH_TOKEN_AUTH"],
        },
    )
    print(f"Using {', '.join(notes)}, app client {LOGIN_CLIENT} ({note}).")
    return GalleryLogin(managedlogin.domain_host(lab, prefix), client_id)


# --- the gallery's API: notebook 11's mistakes --------------------------------------------------------

API, FUNCTION, FUNCTION_ROLE, STAGE = "gallery-api", "gallery-notes", "gallery-function-role", "prod"
# Row 26's mistake, kept on purpose: whose notes comes from the query string, not from the claims.
# (The function reads no table: what it would read is the lesson.)
TRUSTING_HANDLER = """
import json


def handler(event, context):
    claims = event["requestContext"]["authorizer"]["claims"]
    owner = (event.get("queryStringParameters") or {}).get("owner") or claims["sub"]  # the mistake
    return {"statusCode": 200, "body": json.dumps({"notes of": owner})}
"""


@dataclass(frozen=True)
class GalleryApi:
    """`cognito-lab-gallery-api`, deployed to `prod`: its methods are made once by `ensure_gallery_api`.

    `GET /notes` (Cognito authorizer, an ID token) and `GET /unpermitted` (the same) run the function;
    `GET /my/notes` (scope `aws.cognito.signin.user.admin`), `GET /export` (scope `notes/export`) and
    `GET /iam/notes` (`AWS_IAM`) answer from a mock integration, since only the authorizer's answer
    matters. The function's permission names `GET /notes` only.
    """

    lab: Lab
    api_id: str

    def get(self, path: str, headers: dict[str, str] | None = None) -> requests.Response:
        """GET `path` of the stage at the invoke URL (notebook 11's `call`)."""
        url, routing = self.lab.invoke_url(self.api_id, f"/{STAGE}{path}")
        return requests.get(url, headers={**routing, **(headers or {})}, timeout=30)

    def signed(self, path: str, credentials: dict[str, Any]) -> dict[str, str]:
        """SigV4 headers for GET `path` with identity pool credentials (notebook 11's `signed`)."""
        host = f"{self.api_id}.execute-api.{self.lab.region}.amazonaws.com"
        request = AWSRequest(method="GET", url=f"https://{host}/{STAGE}{path}")
        key = Credentials(credentials["AccessKeyId"], credentials["SecretKey"], credentials["SessionToken"])
        SigV4Auth(key, "execute-api", self.lab.region).add_auth(request)
        return dict(request.headers)


def _zipped(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("notes.py", date_time=(2020, 1, 1, 0, 0, 0)), source)
    return buffer.getvalue()


def _ensure_function(lab: Lab) -> str:
    """The gallery's function (the trusting handler) and its role, which needs no permissions."""
    role_arn, role_note = identitypool.ensure_role(lab, FUNCTION_ROLE, policies.function_trust())
    found = lab.find_function(lab.name(FUNCTION))
    if found is not None:
        return found
    if role_note != "found":
        identitypool.wait_for_iam(lab)  # real AWS: Lambda refuses a role IAM hasn't spread yet
    lam = lab.client("lambda")
    arn = str(
        lam.create_function(
            FunctionName=lab.name(FUNCTION),
            Runtime="python3.12",
            Role=role_arn,
            Handler="notes.handler",
            Code={"ZipFile": _zipped(TRUSTING_HANDLER)},
            Tags=lab.tags,
        )["FunctionArn"]
    )
    lam.get_waiter("function_active_v2").wait(FunctionName=lab.name(FUNCTION))
    return arn


def _build_api(lab: Lab, user_pool_id: str, function_arn: str) -> str:
    """Notebook 11's calls, quietly: the REST API, its Cognito authorizer and methods, deployed."""
    apigateway = lab.client("apigateway")
    api_id = str(apigateway.create_rest_api(name=lab.name(API), tags=lab.tags)["id"])
    root_id = apigateway.get_resources(restApiId=api_id)["items"][0]["id"]
    authorizer_id = apigateway.create_authorizer(
        restApiId=api_id,
        name="gallery-users",
        type="COGNITO_USER_POOLS",
        providerARNs=[f"arn:aws:cognito-idp:{lab.region}:{lab.account_id}:userpool/{user_pool_id}"],
        identitySource="method.request.header.Authorization",
    )["id"]

    ids = {"": root_id}  # path -> resource id, made as the methods need them

    def method(path: str, authorization: str, scopes: tuple[str, ...] = (), function: bool = False) -> None:
        parts = path.strip("/").split("/")
        for depth in range(1, len(parts) + 1):
            here, parent = "/".join(parts[:depth]), "/".join(parts[: depth - 1])
            if here not in ids:
                part = parts[depth - 1]
                ids[here] = apigateway.create_resource(restApiId=api_id, parentId=ids[parent], pathPart=part)[
                    "id"
                ]
        resource = ids["/".join(parts)]
        extra: dict[str, Any] = (
            {"authorizerId": authorizer_id} if authorization == "COGNITO_USER_POOLS" else {}
        )
        if scopes:
            extra["authorizationScopes"] = list(scopes)
        where = {"restApiId": api_id, "resourceId": resource, "httpMethod": "GET"}
        apigateway.put_method(**where, authorizationType=authorization, **extra)
        if function:
            uri = (
                f"arn:aws:apigateway:{lab.region}:lambda:path/2015-03-31/functions/{function_arn}/invocations"
            )
            apigateway.put_integration(**where, type="AWS_PROXY", integrationHttpMethod="POST", uri=uri)
            return
        apigateway.put_integration(
            **where, type="MOCK", requestTemplates={"application/json": '{"statusCode": 200}'}
        )
        apigateway.put_method_response(**where, statusCode="200")
        apigateway.put_integration_response(
            **where, statusCode="200", responseTemplates={"application/json": '{"notes": []}'}
        )

    method("/notes", "COGNITO_USER_POOLS", function=True)
    method("/unpermitted", "COGNITO_USER_POOLS", function=True)
    method("/my/notes", "COGNITO_USER_POOLS", ("aws.cognito.signin.user.admin",))
    method("/export", "COGNITO_USER_POOLS", ("notes/export",))
    method("/iam/notes", "AWS_IAM")
    apigateway.create_deployment(restApiId=api_id, stageName=STAGE)
    return api_id


def ensure_gallery_api(lab: Lab, setup: GallerySetup) -> GalleryApi:
    """Find or create the gallery's API, function and the function's role (`cognito-lab-gallery…`),
    with notebook 11's calls; prints one line."""
    function_arn = _ensure_function(lab)
    found = lab.find_rest_api(lab.name(API))
    api_id = found or _build_api(lab, setup.user_pool_id, function_arn)
    try:  # GET /notes only: GET /unpermitted is row 25's mistake
        lab.client("lambda").add_permission(
            FunctionName=function_arn,
            StatementId=f"apigateway-{api_id}",
            Action="lambda:InvokeFunction",
            Principal="apigateway.amazonaws.com",
            SourceArn=f"arn:aws:execute-api:{lab.region}:{lab.account_id}:{api_id}/*/GET/notes",
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ResourceConflictException":  # there already
            raise
    note = "found" if found else "created"
    print(f"Using REST API {lab.name(API)} ({note}), function {lab.name(FUNCTION)}, stage {STAGE}.")
    return GalleryApi(lab, api_id)


# --- notebook 13's sign-in in a pool of the gallery's own -------------------------------------------

PASSWORDLESS_POOL = "gallery-passwordless"


@dataclass(frozen=True)
class GalleryPasswordless:
    """The gallery's pool for notebook 13's mistakes: Essentials, first factors a password, an emailed
    code and a passkey, TOTP MFA optional; Alice and Bob made afresh on every run."""

    user_pool_id: str
    client_id: str
    relying_party: str  # localhost offline, the pool's domain on AWS (passwordless.relying_party)
    origin: str  # where the gallery's passkeys are made: a page of the relying party

    def sign_in(self, lab: Lab, username: str, **parameters: str) -> dict[str, Any]:
        """`InitiateAuth` with `USER_AUTH` for `username` (notebook 13 writes it out)."""
        return lab.client("cognito-idp").initiate_auth(
            ClientId=self.client_id, AuthFlow="USER_AUTH", AuthParameters={"USERNAME": username, **parameters}
        )

    def access_token(self, lab: Lab, username: str) -> str:
        """`username` signs in with the password: an access token."""
        password = {"PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": userpool.PASSWORDS[username]}
        return str(self.sign_in(lab, username, **password)["AuthenticationResult"]["AccessToken"])


def ensure_gallery_passwordless(lab: Lab) -> GalleryPasswordless:
    """Find or create the gallery's passwordless pool (notebook 13's settings, named
    `cognito-lab-gallery-passwordless`), its app client and relying party, TOTP on; make Alice and Bob
    afresh; prints one line."""
    pool_id, note = passwordless.ensure_pool(lab, passwordless.pool_request(lab, PASSWORDLESS_POOL))
    client_id, _ = managedlogin.ensure_app_client(lab, pool_id, passwordless.client_request())
    for username in ("alice", "bob"):
        passwordless.fresh_user(lab, pool_id, username)
    relying_party, rp_note = passwordless.relying_party(lab, pool_id, "gallery-pk")
    lab.client("cognito-idp").set_user_pool_mfa_config(
        UserPoolId=pool_id,
        MfaConfiguration="OPTIONAL",
        SoftwareTokenMfaConfiguration={"Enabled": True},
        WebAuthnConfiguration={"RelyingPartyId": relying_party, "UserVerification": "preferred"},
    )
    origin = "http://localhost:8888" if relying_party == "localhost" else f"https://{relying_party}"
    made = f"Using user pool {lab.name(PASSWORDLESS_POOL)} ({note}), Alice and Bob made afresh"
    print(f"{made}, passkeys for {rp_note}.")
    return GalleryPasswordless(pool_id, client_id, relying_party, origin)


def with_a_passkey(
    lab: Lab, setup: GalleryPasswordless, username: str
) -> authenticator.SoftwareAuthenticator:
    """`username` registers a passkey made by a software authenticator at the relying party's
    origin (notebook 13's section 4, in one step); the authenticator, to sign with."""
    idp, token = lab.client("cognito-idp"), setup.access_token(lab, username)
    passkey = authenticator.SoftwareAuthenticator()
    options = idp.start_web_authn_registration(AccessToken=token)["CredentialCreationOptions"]
    idp.complete_web_authn_registration(AccessToken=token, Credential=passkey.create(options, setup.origin))
    return passkey


def with_an_authenticator_app(lab: Lab, setup: GalleryPasswordless, username: str) -> tuple[pyotp.TOTP, str]:
    """`username` sets up TOTP as notebook 13's section 6 does (AssociateSoftwareToken, a code,
    VerifySoftwareToken, SetUserMFAPreference): the app (a `pyotp.TOTP`) and the code it verified with."""
    idp, token = lab.client("cognito-idp"), setup.access_token(lab, username)
    app = pyotp.TOTP(idp.associate_software_token(AccessToken=token)["SecretCode"])
    code = str(app.at(lab.now()))
    idp.verify_software_token(AccessToken=token, UserCode=code)
    idp.set_user_mfa_preference(
        AccessToken=token, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    return app, code


TRIGGER_POOL = "gallery-triggers"


def ensure_gallery_trigger_pool(lab: Lab) -> tuple[str, str]:
    """Find or create a pool like notebook 13's, named `cognito-lab-gallery-triggers`, whose pre token
    generation trigger is the gallery's API function, which lets only API Gateway invoke it (section
    7); its app client; Alice made afresh. Prints one line; (pool id, client id)."""
    request = {
        **passwordless.pool_request(lab, TRIGGER_POOL),
        "LambdaConfig": {
            "PreTokenGenerationConfig": {"LambdaVersion": "V2_0", "LambdaArn": _ensure_function(lab)}
        },
    }
    pool_id, note = passwordless.ensure_pool(lab, request)
    client_id, _ = managedlogin.ensure_app_client(lab, pool_id, passwordless.client_request())
    passwordless.fresh_user(lab, pool_id, "alice")
    print(f"Using user pool {lab.name(TRIGGER_POOL)} ({note}): its token trigger is {lab.name(FUNCTION)}.")
    return pool_id, client_id
