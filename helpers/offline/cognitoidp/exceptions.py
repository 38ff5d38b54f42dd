"""Cognito User Pools' errors: one class per AWS error code, and AWS's words for each.

Every error this package raises is one of these `errors.AwsError` subclasses, named as the API
Reference names the code (the "Errors" section of each operation's page, e.g. InitiateAuth,
SignUp, ConfirmSignUp) and answered the way Cognito answers it: HTTP 400 and
`{"__type": "<code>", "message": "..."}` (aws-semantics.md §2, captured from AWS).

The messages are AWS's own where a public source shows them; the ones no source confirms are
marked UNCONFIRMED next to the constant that holds them.
"""

from __future__ import annotations

from ..errors import AwsError


class CognitoIdpError(AwsError):
    """An error of the Cognito User Pools API (JSON protocol, `__type` and `message`)."""


class NotAuthorizedException(CognitoIdpError):
    pass


class UserNotFoundException(CognitoIdpError):
    pass


class UserNotConfirmedException(CognitoIdpError):
    pass


class UsernameExistsException(CognitoIdpError):
    pass


class CodeMismatchException(CognitoIdpError):
    pass


class ExpiredCodeException(CognitoIdpError):
    pass


class InvalidParameterException(CognitoIdpError):
    pass


class InvalidPasswordException(CognitoIdpError):
    pass


class PasswordResetRequiredException(CognitoIdpError):
    pass


class ResourceNotFoundException(CognitoIdpError):
    pass


class UnauthorizedException(CognitoIdpError):
    pass


class TokenVerificationError(ValueError):
    """A token this offline AWS did not issue, or no longer recognises.

    Not an AWS error: `keys.verify_user_pool_token` raises it for its callers (the identity-pool
    engine, the AccessToken check), which answer with their own AWS error and message.
    """


# --- AWS's words --------------------------------------------------------------
# Sources: aws-semantics.md §2 (each quoted from an observed AWS response).
INCORRECT_CREDENTIALS = "Incorrect username or password."
USER_NOT_CONFIRMED = "User is not confirmed."
USER_DOES_NOT_EXIST = "User does not exist."
USER_DISABLED = "User is disabled."
CODE_MISMATCH = "Invalid verification code provided, please try again."
CODE_EXPIRED = "Invalid code provided, please request a code again."
ACCESS_TOKEN_EXPIRED = "Access Token has expired"
ACCESS_TOKEN_REVOKED = "Access Token has been revoked"
REFRESH_TOKEN_REVOKED = "Refresh Token has been revoked"
# Observed body {"__type":"NotAuthorizedException","message":"Invalid Refresh Token."} (aws/aws-sdk-cpp#1789).
REFRESH_TOKEN_INVALID = "Invalid Refresh Token."
# UNCONFIRMED: no public capture of an expired refresh token's message was
# found; this follows the access-token wording above.
REFRESH_TOKEN_EXPIRED = "Refresh Token has expired"
# UNCONFIRMED: widely quoted for a malformed or foreign access token, no primary source found.
ACCESS_TOKEN_INVALID = "Invalid Access Token"
# ForgotPassword / ResendConfirmationCode for an unknown user (quoted in many
# application sources handling Cognito's UserNotFoundException).
USERNAME_CLIENT_NOT_FOUND = "Username/client id combination not found."
# ConfirmSignUp on a confirmed user (amplify-ui#219, furaiev/amazon-cognito-identity-dart-2#80).
CANNOT_CONFIRM = "User cannot be confirmed. Current status is {status}"
# ResendConfirmationCode on a confirmed user (amplify-ui#219, amplify-js#14762: InvalidParameterException).
ALREADY_CONFIRMED = "User is already confirmed."
# UNCONFIRMED: commonly quoted for a pool without AutoVerifiedAttributes.
AUTO_VERIFICATION_OFF = "Cannot resend codes. Auto verification not turned on."
# moto's own AdminResetUserPassword text, which matches what AWS users report.
NO_VERIFIED_RECOVERY = (
    "Cannot reset password for the user as there is no registered/verified email or phone_number"
)
# Secret hash: InitiateAuth without SECRET_HASH (aws-amplify/amplify-android#2504);
# a wrong hash, or SignUp/ConfirmSignUp without SecretHash (ganezasan/serverless-cognito-auth#1,
# AnomalyInnovations/serverless-stack-demo-client#6, furaiev/amazon-cognito-identity-dart-2#16).
SECRET_HASH_MISSING = "Client {client_id} is configured with secret but SECRET_HASH was not received"
SECRET_HASH_WRONG = "Unable to verify secret hash for client {client_id}"
# InitiateAuth with a flow the client does not allow: AWS's own text, from a real response logged
# by a Lambda function (aws-sdk, InvalidParameterException, statusCode 400, requestId
# dafe9f41-85ee-44a3-a094-f0af2cd7b70e, 2024-06-30) and published in github.com/bizkite-co/handterm,
# "docs/chats/06/2024-06-30-AWS Cognito error fix_CDK config modification for user
# authentication.md" (commit 1f1fbf43). AdminInitiateAuth says only "Auth flow ..." there.
FLOW_NOT_ENABLED = "{flow} flow not enabled for this client"
ADMIN_FLOW_NOT_ENABLED = "Auth flow not enabled for this client"
# An admin flow sent to InitiateAuth (getmoto/moto#4836, validated against AWS).
ADMIN_FLOW_IN_INITIATE_AUTH = "Initiate Auth method not supported."
# UNCONFIRMED: reported for CUSTOM_AUTH on a pool without the Lambda triggers.
CUSTOM_AUTH_NOT_CONFIGURED = "Custom auth lambda trigger is not configured for the user pool."
# UNCONFIRMED wording for a SECRET_BLOCK Cognito did not issue; the expired
# form is the one AWS users report for a stale Session.
SESSION_INVALID = "Invalid session for the user."
SESSION_EXPIRED = "Invalid session for the user, session is expired."
# Required attributes: "Attributes did not conform to the schema: email: The
# attribute is required" (aws-semantics.md §2); several sources show one
# "name: problem\n" line per attribute, as in amplify-flutter#509.
SCHEMA_PREFIX = "Attributes did not conform to the schema: "
ATTRIBUTE_REQUIRED = "{name}: The attribute is required\n"
ATTRIBUTE_UNKNOWN = "{name}: Attribute does not exist in the schema.\n"
# Password policy. Recent captures say "with password policy"; older ones
# "with policy". Which rule AWS reports first when several fail is UNCONFIRMED.
PASSWORD_PREFIX = "Password did not conform with password policy: "
# SignUp for a taken username, as application code handling Cognito's errors matches it.
USERNAME_EXISTS = "User already exists"
# UNCONFIRMED: quoted by users of AdminCreateUser for an existing username.
ADMIN_USERNAME_EXISTS = "User account already exists"
# UNCONFIRMED: the text AWS users quote for SignUp on an admin-only pool.
SIGN_UP_NOT_PERMITTED = "SignUp is not permitted for this user pool"
# UNCONFIRMED: the PasswordResetRequiredException text AWS users quote.
PASSWORD_RESET_REQUIRED = "Password reset required for the user"
# UNCONFIRMED: moto's own wording for a client id no pool has; AWS users quote the same.
CLIENT_NOT_FOUND = "User pool client {client_id} does not exist."
# UNCONFIRMED: moto's wording for AccountRecoverySetting admin_only.
ADMIN_ONLY_RECOVERY = "Contact administrator to reset password."
# UNCONFIRMED: a write the app client may not make (UpdateUserAttributes, SignUp). No AWS page
# quotes it; community reports show this text from AWS (botocore output in
# padok-team/cognito-scanner#6; aws/aws-sdk-js#1319, #3603; aws-amplify/amplify-js#5345).
UNAUTHORIZED_ATTRIBUTE = "A client attempted to write unauthorized attribute"
# UNCONFIRMED: RevokeToken's client-authentication failure (botocore lists
# UnauthorizedException for it; no capture of the text was found).
CLIENT_SECRET_INVALID = "Invalid client secret."
# UNCONFIRMED wording, as AWS users quote it for a missing USERNAME.
MISSING_PARAMETER = "Missing required parameter {name}"
# UNCONFIRMED wording for an SRP_A that is not a hexadecimal number.
INVALID_SRP_A = "Invalid SRP_A"
