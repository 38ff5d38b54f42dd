"""AWS_IAM authorization of a REST method or HTTP API route: SigV4 and `execute-api:Invoke`.

The request is authenticated as every AWS call is (the `authorization` package: the caller behind
the access key, the signature recomputed with its secret, service `execute-api`), then IAM decides
`execute-api:Invoke` on `arn:aws:execute-api:{region}:{account}:{api_id}/{stage}/{METHOD}/{path}`
with the caller's policies and its session's request context, so policy variables such as
`${cognito-identity.amazonaws.com:sub}` work in that ARN (IAM UG reference_policies_variables: in
the resource part, after the fifth colon). The decision is kept in the decision log with S3's and
DynamoDB's (`authorization.decisionlog`), so a notebook can ask why.

REST answers, all 403 (KC-403, KC-SIGV4; aws-semantics-next.md section 2):

* no signature: `MissingAuthenticationTokenException` "Missing Authentication Token";
* an Authorization header that is not SigV4 (an ID token, say): `IncompleteSignatureException`
  "Authorization header requires 'Credential' parameter. ... Authorization=<header>" (observed
  nordcloud/cognitocurl#15; header UNCONFIRMED);
* an unknown access key: `AccessDeniedException` "The security token included in the request is
  invalid." (KC-403); expired credentials: `ExpiredTokenException` (UNCONFIRMED wording);
* a wrong secret: `InvalidSignatureException` (header UNCONFIRMED);
* a credential scoped to another service: `InvalidSignatureException` "Credential should be scoped
  to correct service: 'execute-api'. " (as the engine answers every service; UNCONFIRMED here);
* no Allow: `AccessDeniedException` `{"Message":"User: <arn> is not authorized to perform:
  execute-api:Invoke on resource: <arn> because no identity-based policy allows the
  execute-api:Invoke action"}` (observed ASFHyP3/hyp3#2283 without the reason; the current wording
  adds it, KC-SIGV4); an explicit Deny says "with an explicit deny in an identity-based policy".

An HTTP API answers every refusal `{"message":"Forbidden"}` (observed aws/aws-cdk#21182 for a
denial; UNCONFIRMED for the others).

What the integration sees (DG api-gateway-mapping-template-reference; observed events in
anomalyco/guide#213 and #706): `requestContext.identity` with the caller's `accessKey`,
`accountId`, `caller` and `user` (the `aws:userid`, e.g. "AROA...:CognitoIdentityCredentials"),
`userArn`, and for identity-pool credentials `cognitoIdentityId`, `cognitoIdentityPoolId`,
`cognitoAuthenticationType` ("authenticated" / "unauthenticated") and
`cognitoAuthenticationProvider` ("cognito-idp.../<pool>,cognito-idp.../<pool>:CognitoSignIn:<sub>";
null for guests, UNCONFIRMED); payload 2.0 puts the same in `requestContext.authorizer.iam`.

Not modelled: SigV4 in the query string (presigned invoke URLs), the clock-skew check ("Signature
expired"), cross-account callers, and API resource policies.
"""

from __future__ import annotations

from typing import Any

from .. import authorization, iam
from ..authorization import decisionlog, signatures
from ..authorization.exceptions import AuthorizationError
from .context import AuthorizerResult, Invocation
from .exceptions import (
    AccessDeniedException,
    ExpiredTokenException,
    GatewayResponse,
    HttpApiForbidden,
    IncompleteSignatureException,
    InvalidSignatureException,
    MissingAuthenticationTokenException,
)

SERVICE = "execute-api"
ACTION = "execute-api:Invoke"
_INVALID_TOKEN = "The security token included in the request is invalid."
_COGNITO_IDENTITY = "cognito-identity.amazonaws.com"
_SIGN_IN_KINDS = ("authenticated", "unauthenticated")


def _incomplete(header: str) -> str:
    """The observed answer to an Authorization header with none of SigV4's parts."""
    return (
        "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' "
        "parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires "
        f"existence of either a 'X-Amz-Date' or a 'Date' header. Authorization={header}"
    )


def _refuse(invocation: Invocation, reason: str, rest: GatewayResponse) -> AuthorizerResult:
    refusal = HttpApiForbidden(reason=reason) if invocation.http_api else rest
    return AuthorizerResult("Deny", "AWS_IAM", reason=reason, refusal=refusal)


def identity_of(caller: authorization.Caller, account_id: str) -> dict[str, Any]:
    """What AWS puts in `requestContext.identity` for an IAM-authorized caller."""
    context = dict(caller.context)
    amr = [str(value) for value in context.get(f"{_COGNITO_IDENTITY}:amr") or []]
    kind = next((value for value in amr if value in _SIGN_IN_KINDS), None)
    providers = [value for value in amr if value not in _SIGN_IN_KINDS]
    user_id = context.get("aws:userid") or (account_id if caller.kind == "administrator" else None)
    return {
        "cognitoIdentityPoolId": context.get(f"{_COGNITO_IDENTITY}:aud"),
        "accountId": account_id,
        "cognitoIdentityId": context.get(f"{_COGNITO_IDENTITY}:sub"),
        "caller": user_id,
        "accessKey": caller.access_key_id,
        "cognitoAuthenticationType": kind,
        "cognitoAuthenticationProvider": ",".join(providers) or None,
        "userArn": caller.arn,
        "user": user_id,
        "amr": amr,  # for payload 2.0's cognitoIdentity.amr; not part of `identity`
    }


def _signed_url(invocation: Invocation) -> str:
    """The URL the client signed: the invoke URL (at the endpoint, the Host it sent names the API)."""
    request = invocation.request
    path = request.raw_path or request.path
    return f"https://{request.host}{path}" + (f"?{request.raw_query}" if request.raw_query else "")


def authorize(invocation: Invocation) -> AuthorizerResult:
    header = invocation.header("authorization")
    if not header:
        return _refuse(invocation, "the request is not signed", MissingAuthenticationTokenException())
    fields = signatures.sigv4_fields(header)
    if fields is None or not {"Credential", "SignedHeaders", "Signature"} <= set(fields):
        return _refuse(
            invocation,
            "the Authorization header is not a SigV4 signature (a token sent to an AWS_IAM method?)",
            IncompleteSignatureException(_incomplete(header)),
        )
    parts = fields["Credential"].split("/")
    if len(parts) != 5:
        return _refuse(invocation, "the credential scope is malformed", InvalidSignatureException())
    access_key_id, region, service = parts[0], parts[2], parts[3]
    if service != SERVICE:
        message = f"Credential should be scoped to correct service: '{SERVICE}'. "
        return _refuse(invocation, f"the request is signed for {service}", InvalidSignatureException(message))
    account_id = invocation.api.account_id
    try:
        caller = authorization.find_caller(
            account_id, access_key_id, invocation.header("x-amz-security-token"), SERVICE
        )
    except AuthorizationError as problem:
        if "xpired" in problem.aws_code:
            return _refuse(invocation, "the credentials have expired", ExpiredTokenException())
        return _refuse(
            invocation,
            f"no access key {access_key_id} in account {account_id}",
            AccessDeniedException(_INVALID_TOKEN, message_key="message"),
        )
    request = invocation.request
    if not signatures.signature_matches(
        request.method,
        _signed_url(invocation),
        request.headers,
        request.body,
        caller,
        (access_key_id, region, service),
    ):
        return _refuse(
            invocation, "the signature does not match the caller's secret key", InvalidSignatureException()
        )
    identity = identity_of(caller, account_id)
    resource = invocation.execute_api_arn()
    if caller.kind == "administrator":  # the account's root: never evaluated, never logged (as everywhere)
        return AuthorizerResult(
            "Allow", "AWS_IAM", caller.arn, identity=identity, reason="the account's root user"
        )
    decision = authorization.decide(caller, ACTION, resource, region)
    refusal: GatewayResponse | None = None
    if not decision.allowed:
        message = (
            f"User: {caller.arn} is not authorized to perform: {ACTION} on resource: {resource} "
            f"{decision.denial_reason()}"
        )
        refusal = HttpApiForbidden(reason=message) if invocation.http_api else AccessDeniedException(message)
    decisionlog.record(caller, SERVICE, decision, refusal)
    if refusal is not None:
        return AuthorizerResult(
            "Deny",
            "AWS_IAM",
            caller.arn,
            identity=identity,
            reason=refusal.reason or refusal.message,
            refusal=refusal,
        )
    return AuthorizerResult("Allow", "AWS_IAM", caller.arn, identity=identity, reason=_allowed_by(decision))


def _allowed_by(decision: iam.Decision) -> str:
    deciding = [
        f"{result.sid or f'statement {result.index}'} in {result.policy_name}" for result in decision.deciding
    ]
    return f"{ACTION} allowed by {', '.join(deciding) or 'a policy'}"
