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


class FeatureUnavailableInTierException(CognitoIdpError):
    pass


class SoftwareTokenMFANotFoundException(CognitoIdpError):
    pass


class EnableSoftwareTokenMFAException(CognitoIdpError):
    pass


class WebAuthnNotEnabledException(CognitoIdpError):
    pass


class WebAuthnConfigurationMissingException(CognitoIdpError):
    pass


class WebAuthnChallengeNotFoundException(CognitoIdpError):
    pass


class WebAuthnRelyingPartyMismatchException(CognitoIdpError):
    pass


class WebAuthnOriginNotAllowedException(CognitoIdpError):
    pass


class WebAuthnClientMismatchException(CognitoIdpError):
    pass


class WebAuthnCredentialNotSupportedException(CognitoIdpError):
    pass


class UserLambdaValidationException(CognitoIdpError):
    pass


class UnexpectedLambdaException(CognitoIdpError):
    pass


class InvalidLambdaResponseException(CognitoIdpError):
    pass


class RefreshTokenReuseException(CognitoIdpError):
    pass


class UnsupportedOperationException(CognitoIdpError):
    pass


class UnsupportedTokenTypeException(CognitoIdpError):
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

# --- Feature plans, choice-based sign-in, MFA and passkeys (issue 13) -------------------------
# A pool asking for what its plan lacks: observed for the LITE plan and passwordless sign-in
# (aws-amplify/amplify-backend#2805) and for ESSENTIALS and threat protection
# (hashicorp/terraform-provider-aws#40734, aws/aws-cdk#33565). How several features are joined
# (", ") and the names of the other features are UNCONFIRMED (plans.FEATURE_NAMES).
TIER_FEATURES = (
    "The following features need to be disabled for the {tier} pricing tier configured: {features}"
)
# UNCONFIRMED: USER_AUTH asked of a pool whose plan lacks choice-based sign-in (no capture found).
TIER_FLOW_UNAVAILABLE = "USER_AUTH is not available for the {tier} pricing tier configured"
# UNCONFIRMED: a PREFERRED_CHALLENGE or SELECT_CHALLENGE ANSWER that is not a sign-in factor.
CHALLENGE_UNKNOWN = "Invalid challenge selected: {answer}"
# UNCONFIRMED: a SELECT_CHALLENGE ANSWER that is not among the AvailableChallenges.
CHALLENGE_NOT_AVAILABLE = "Challenge {answer} is not available for the user"
# TOTP (aws-semantics-next.md section 7). "Software Token MFA has not been enabled by the userPool":
# COG-DG-2023 user-pool-settings-mfa-totp. The setup mismatch is observed
# (aws-samples/aws-amplify-auth-starters#15); the sign-in mismatch is quoted in many apps' error
# tables; the reused code and the stale session are observed in public API docs.
TOTP_NOT_ENABLED = "Software Token MFA has not been enabled by the userPool"
TOTP_SETUP_MISMATCH = "Code mismatch and fail enable Software Token MFA"
MFA_CODE_MISMATCH = "Invalid code received for user"
TOTP_REUSED = "Your software token has already been used once."
# SetUserMFAPreference enabling TOTP before VerifySoftwareToken (observed, aws/aws-sdk-js-v3#4645);
# the email form follows it (UNCONFIRMED).
NO_DELIVERY_CONFIG = "User does not have delivery config set to turn on {factor}"
# UNCONFIRMED: VerifySoftwareToken before AssociateSoftwareToken.
TOTP_NOT_ASSOCIATED = "User has not associated a software token"
# UNCONFIRMED: AssociateSoftwareToken / VerifySoftwareToken with both or neither of AccessToken, Session.
TOKEN_OR_SESSION = "Exactly one of AccessToken or Session must be provided"
# UNCONFIRMED: turning off the last MFA factor of a user in a pool that requires MFA.
MFA_REQUIRED = "MFA is required for this user pool, the last MFA method cannot be disabled"
# moto's wording for SetUserPoolMfaConfig ON/OPTIONAL without a factor (UNCONFIRMED for AWS).
MFA_NEEDS_FACTOR = (
    "At least one of [SmsMfaConfiguration] or [SoftwareTokenMfaConfiguration] must be provided."
)
# UNCONFIRMED: email MFA needs the pool to send email with Amazon SES (DG "Email MFA": "the user
# pool must be configured to use the Amazon SES email-sending configuration").
EMAIL_MFA_NEEDS_SES = (
    "Email MFA requires an EmailConfiguration with EmailSendingAccount DEVELOPER (Amazon SES)"
)
# Passkeys: botocore names one exception per reason but no public capture of any message was
# found; every text here is UNCONFIRMED and says what went wrong.
WEBAUTHN_NOT_ENABLED = "WebAuthn is not enabled for this user pool"
WEBAUTHN_CONFIGURATION_MISSING = "The user pool has no relying party ID and no domain"
WEBAUTHN_CHALLENGE_NOT_FOUND = "WebAuthn challenge not found or expired"
WEBAUTHN_RP_MISMATCH = "The credential is for another relying party than {rp_id}"
WEBAUTHN_ORIGIN_NOT_ALLOWED = "Origin {origin} is not allowed for relying party {rp_id}"
WEBAUTHN_CLIENT_MISMATCH = "The access token is from another app client than StartWebAuthnRegistration"
WEBAUTHN_NOT_SUPPORTED = "The passkey credential is not supported: {reason}"
WEBAUTHN_INVALID = "Invalid WebAuthn credential: {reason}"
WEBAUTHN_CREDENTIAL_NOT_FOUND = "WebAuthn credential not found"
# UNCONFIRMED: a WEB_AUTHN answer that fails a check (RespondToAuthChallenge lists no WebAuthn
# errors, so each failure is a NotAuthorizedException naming what failed).
WEBAUTHN_SIGN_IN_FAILED = "WebAuthn authentication failed: {reason}"

# --- Lambda triggers and the session lifecycle (issue 13) -----------------------------------------
# A trigger's function raised: "PreSignUp failed with error <its errorMessage>." with the period
# Cognito appends (observed: aws-amplify/amplify-ui-android#314, aws-amplify/amplify-flutter#1051);
# the prefix is the trigger's name, observed for PreSignUp and PostConfirmation, by pattern for
# the others.
TRIGGER_FAILED = "{trigger} failed with error {message}."
# Cognito may not invoke the function (no resource-policy statement for cognito-idp.amazonaws.com):
# "PostConfirmation invocation failed due to error AccessDeniedException." (observed, public app
# notes, anomalyco/ion#697, aws/serverless-application-model#1253). The same form with Lambda's
# other refusals (ResourceNotFoundException for a deleted function, InvalidParameterValueException
# for a role Lambda cannot assume) is UNCONFIRMED.
TRIGGER_NOT_INVOKED = "{trigger} invocation failed due to error {code}."
# A function's answer Cognito cannot read (observed: amazon-archives/amazon-cognito-identity-js#633).
UNRECOGNIZABLE_OUTPUT = "Unrecognizable lambda output"
# A custom message without the code's placeholder (observed with InvalidParameterException,
# amazon-archives/amazon-cognito-identity-js#99; AWS leaves the value itself out).
EMAIL_BODY_WITHOUT_CODE = (
    "1 validation error detected: Value at 'emailBody' failed to satisfy constraint: Member must "
    "satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s*]*\\{####\\}"
    "[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s*]*"
)
# UNCONFIRMED: a pre sign-up answer that auto-verifies an email or phone number the user lacks
# (the DG says only "Otherwise an error will occur").
AUTO_VERIFY_WITHOUT_ATTRIBUTE = "Cannot auto-verify {attribute}: the user has no {attribute} attribute"
# UNCONFIRMED: a refresh token that refresh-token rotation has invalidated (botocore names only
# the exception, "requests token refresh with a refresh token that has been invalidated by
# refresh-token rotation").
REFRESH_TOKEN_ROTATED = "Refresh Token has been invalidated by refresh token rotation"
# UNCONFIRMED: GetTokensFromRefreshToken with a wrong or missing ClientSecret.
CLIENT_SECRET_WRONG = "Unable to verify client secret for client {client_id}"
# UNCONFIRMED: RevokeToken for a client with EnableTokenRevocation false, and with a JWT.
REVOCATION_DISABLED = "Token revocation is not enabled for this client"
UNSUPPORTED_TOKEN_TYPE = "Only refresh tokens can be revoked"
# A user-pool API call with an access token that lacks aws.cognito.signin.user.admin (quoted in
# many public reports of OAuth access tokens used with GetUser; no AWS page shows it: UNCONFIRMED).
ACCESS_TOKEN_SCOPE = "Access Token does not have required scopes"
# UNCONFIRMED: LambdaConfig whose PreTokenGeneration and PreTokenGenerationConfig.LambdaArn differ
# (botocore: "its value must be identical").
LEGACY_ARN_DIFFERS = "PreTokenGeneration and PreTokenGenerationConfig.LambdaArn must name the same function"
