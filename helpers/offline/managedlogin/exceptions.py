"""The OAuth 2.0 errors of a user pool domain: one class per error code, as Cognito answers them.

The codes are RFC 6749's (§4.1.2.1 for the authorize endpoint, §5.2 for the token endpoint), RFC
7009's for revocation and RFC 6750's for the userInfo endpoint; which code Cognito answers for
what, and with which HTTP status, follows the Developer Guide pages "Authorize endpoint", "Token
endpoint", "UserInfo endpoint" and "Revoke endpoint" (COG-DG 2023, research §5). The class name
is not the code: `error_code` is, as it is written on the wire.

Where an error is answered decides what a learner sees:

* at the token, revoke and userInfo endpoints: this JSON body (`errors.AwsError`'s ``oauth2``
  shape) with the error's status;
* at the authorize and login endpoints, after the client and its redirect URI are known to be
  good: a 302 back to the app's `redirect_uri` with `?error=<code>` (and the request's `state`);
* before that (an unknown client, a redirect URI the client did not register), and for a scope the
  client may not ask for: a 302 to the domain's own `/error` page, never to the app
  (`on_error_page`).
"""

from __future__ import annotations

from ..errors import AwsError


class OAuthError(AwsError):
    """An OAuth 2.0 error of a user pool domain's endpoints."""

    protocol = "oauth2"

    def __init__(self, message: str = "", *, status: int | None = None, on_error_page: bool = False) -> None:
        super().__init__(message, status=status)
        self.on_error_page = on_error_page


class InvalidRequest(OAuthError):
    """A missing or malformed parameter (also: a PKCE method other than S256)."""

    error_code = "invalid_request"


class InvalidClient(OAuthError):
    """Client authentication failed. 400 at the token endpoint as its page shows every error
    (UNCONFIRMED: RFC 6749 §5.2 allows 401 there); 401 at the revoke endpoint, as its page says."""

    error_code = "invalid_client"


class InvalidGrant(OAuthError):
    """An authorization code used, expired, unknown or for another client or redirect URI, a PKCE
    verifier that does not match its challenge, a revoked or unknown refresh token."""

    error_code = "invalid_grant"


class UnauthorizedClient(OAuthError):
    """The app client is not allowed this grant (AllowedOAuthFlows, AllowedOAuthFlowsUserPoolClient)."""

    error_code = "unauthorized_client"


class UnsupportedGrantType(OAuthError):
    error_code = "unsupported_grant_type"


class UnsupportedResponseType(OAuthError):
    """A `response_type` other than `code` or `token` (RFC 6749 §4.1.2.1; the code Cognito
    answers is UNCONFIRMED: its page names only a missing `response_type`, `invalid_request`)."""

    error_code = "unsupported_response_type"


class InvalidScope(OAuthError):
    """A scope the app client may not ask for."""

    error_code = "invalid_scope"


class RedirectMismatch(OAuthError):
    """An unknown app client, or a redirect URI it did not register: the `/error` page's
    `error=redirect_mismatch` (observed: aws/aws-aspnet-cognito-identity-provider#167,
    aws-samples/iam-identity-center-team#437)."""

    error_code = "redirect_mismatch"


class UnsupportedTokenType(OAuthError):
    """The revoke endpoint was given a token that is not a refresh token."""

    error_code = "unsupported_token_type"


class InvalidToken(OAuthError):
    """The userInfo endpoint's 401 for an access token it does not accept."""

    error_code = "invalid_token"
    status = 401


# --- Cognito's words --------------------------------------------------------------------------
# DG "UserInfo endpoint": the WWW-Authenticate header's error_description for each status.
USERINFO_BAD_REQUEST = "Bad OAuth2 request at UserInfo Endpoint"
USERINFO_BAD_TOKEN = "Access token is expired, disabled, or deleted, or the user has globally signed out."
# Observed for an access token from InitiateAuth (simov/grant#189); its status is UNCONFIRMED.
USERINFO_NO_OPENID = "Access token does not contain openid scope"
# The /error page's text (observed: aws/aws-aspnet-cognito-identity-provider#167).
ERROR_PAGE_TEXT = "An error was encountered with the requested page."
# The managed-login page's words for what the API calls NotAuthorizedException etc. are the API's
# own messages (INCORRECT_CREDENTIALS, ...); the page around them is the classic hosted UI's.
