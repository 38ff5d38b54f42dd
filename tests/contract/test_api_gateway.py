"""API Gateway invoke URLs: REST and HTTP APIs in front of a Lambda function, with Cognito, JWT and
IAM authorization, answered as AWS answers them.

The bodies use boto3 to build the APIs and `requests` to call them (`aws.invoke_url` says where
the request goes and which Host names the API); IAM-authorized calls are signed with botocore's
SigV4Auth for the service `execute-api`, as AWS's docs show (DG api-gateway-control-access-using-
iam-policies-to-invoke-api). One function answers every route: it echoes the event it got, or, when
the request asks (`?respond=`), fails, answers in the wrong shape, or sets its own status and headers.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import textwrap
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

PASSWORD = "Corr3ct-Horse-Battery!"
RUNTIME = "python3.12"
ECHO = """
import json

def handler(event, context):
    query = event.get("queryStringParameters") or {}
    respond = query.get("respond")
    if respond == "fail":
        raise ValueError("the notes table is missing")
    if respond == "malformed":
        return {"statusCode": 200, "body": {"not": "a string"}}
    if respond == "custom":
        return {
            "statusCode": 201,
            "headers": {"X-Note": "single", "X-Both": "from headers"},
            "multiValueHeaders": {"X-Both": ["from", "multiValueHeaders"]},
            "body": "created",
        }
    if respond == "plain":
        return {"notes": ["n1", "n2"]}
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(event)}
"""
# A TOKEN authorizer: the token says what to answer; "narrow..." allows only the method asked for.
AUTHORIZER = """
def handler(event, context):
    if event["type"] == "REQUEST":
        token = event["headers"].get("Authorization") or event["queryStringParameters"]["token"]
    else:
        token = event["authorizationToken"]
    if token == "unauthorized":
        raise Exception("Unauthorized")
    if token == "broken":
        raise ValueError("the signing keys are missing")
    method_arn = event["methodArn"]
    resource = method_arn if token.startswith("narrow") else method_arn.split("/")[0] + "/*"
    effect = "Deny" if token == "deny" else "Allow"
    statement = {"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}
    return {
        "principalId": "user-" + token,
        "policyDocument": {"Version": "2012-10-17", "Statement": [statement]},
        "context": {"plan": "pro", "seats": 3, "admin": False, "type": event["type"]},
    }
"""
TRUST_LAMBDA = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
INTERNAL_ERROR = b'{"message": "Internal server error"}'  # with the space, 36 bytes (observed)
UNAUTHORIZED = b'{"message":"Unauthorized"}'  # 26 bytes (observed)


def zipped(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", textwrap.dedent(source))
    return buffer.getvalue()


def claims_of(token: str) -> dict[str, Any]:
    import base64

    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


class Stack:
    """A user pool with users, a function, a REST API and an HTTP API in front of it, an IAM user
    and an identity pool whose roles may invoke parts of the REST API."""

    def __init__(self, aws: Any) -> None:
        self.aws = aws
        self.idp, self.iam, self.lam = aws.client("cognito-idp"), aws.client("iam"), aws.client("lambda")
        self.apigw, self.apigw2 = aws.client("apigateway"), aws.client("apigatewayv2")
        self.identity = aws.client("cognito-identity")
        self.account = aws.client("sts").get_caller_identity()["Account"]
        self.cleanups: list[Any] = []
        self._user_pools()
        self._function()
        self._rest_api()
        self._http_api()

    # --- building -----------------------------------------------------------------------------

    def _user_pools(self) -> None:
        self.pool_id, self.client_id = self._pool(("alice", "bob", "carol"))
        self.other_client_id = self.idp.create_user_pool_client(
            UserPoolId=self.pool_id, ClientName="other-app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
        )["UserPoolClient"]["ClientId"]
        self.idp.create_group(UserPoolId=self.pool_id, GroupName="editors")
        self.idp.admin_add_user_to_group(UserPoolId=self.pool_id, Username="carol", GroupName="editors")
        self.other_pool_id, self.other_pool_client_id = self._pool(("dave",))
        self.issuer = f"https://cognito-idp.{self.aws.region}.amazonaws.com/{self.pool_id}"

    def _pool(self, users: tuple[str, ...]) -> tuple[str, str]:
        pool_id = self.idp.create_user_pool(PoolName=self.aws.unique("up"))["UserPool"]["Id"]
        self.cleanups.append(lambda: self.idp.delete_user_pool(UserPoolId=pool_id))
        client_id = self.idp.create_user_pool_client(
            UserPoolId=pool_id,
            ClientName="app",
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )["UserPoolClient"]["ClientId"]
        for username in users:
            self.idp.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS")
            self.idp.admin_set_user_password(
                UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True
            )
        return pool_id, client_id

    def tokens(self, username: str, client_id: str = "") -> dict[str, str]:
        return self.idp.initiate_auth(
            ClientId=client_id or self.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
        )["AuthenticationResult"]

    def _function(self) -> None:
        self.role_name = self.aws.unique("fn-role")
        role_arn = self.iam.create_role(
            RoleName=self.role_name, AssumeRolePolicyDocument=json.dumps(TRUST_LAMBDA)
        )["Role"]["Arn"]
        self.cleanups.append(lambda: self.iam.delete_role(RoleName=self.role_name))
        self.function_arn = self._make_function(role_arn)
        # The same code, without a resource policy that lets API Gateway invoke it.
        self.unpermitted_arn = self._make_function(role_arn)
        self.authorizer_function_arn = self._make_function(role_arn, AUTHORIZER)

    def _make_function(self, role_arn: str, source: str = ECHO) -> str:
        name = self.aws.unique("fn")
        arn = self.lam.create_function(
            FunctionName=name,
            Runtime=RUNTIME,
            Role=role_arn,
            Handler="app.handler",
            Code={"ZipFile": zipped(source)},
            Timeout=30,
        )["FunctionArn"]
        self.cleanups.append(lambda: self.lam.delete_function(FunctionName=name))
        self.lam.get_waiter("function_active_v2").wait(FunctionName=name)
        return str(arn)

    def _permit(self, api_id: str) -> None:
        """What the console adds when it wires a function to an API (DG set-up-lambda-proxy-
        integration-using-cli; add-permission)."""
        self.lam.add_permission(
            FunctionName=self.function_arn,
            StatementId=f"apigateway-{api_id}",
            Action="lambda:InvokeFunction",
            Principal="apigateway.amazonaws.com",
            SourceArn=f"arn:aws:execute-api:{self.aws.region}:{self.account}:{api_id}/*",
        )

    def _rest_api(self) -> None:
        api = self.apigw
        self.rest_id = api.create_rest_api(name=self.aws.unique("notes"))["id"]
        self.cleanups.append(lambda: api.delete_rest_api(restApiId=self.rest_id))
        root = api.get_resources(restApiId=self.rest_id)["items"][0]["id"]
        self.authorizer_id = api.create_authorizer(
            restApiId=self.rest_id,
            name="notes-users",
            type="COGNITO_USER_POOLS",
            providerARNs=[f"arn:aws:cognito-idp:{self.aws.region}:{self.account}:userpool/{self.pool_id}"],
            identitySource="method.request.header.Authorization",
        )["id"]
        notes = self.resource(root, "notes")
        note = self.resource(notes, "{id}")
        self.method(note, "GET", "COGNITO_USER_POOLS")
        self.method(self.resource(root, "me"), "GET", "COGNITO_USER_POOLS", ["aws.cognito.signin.user.admin"])
        self.method(self.resource(root, "scoped"), "GET", "COGNITO_USER_POOLS", ["notes/read"])
        self.method(self.resource(root, "open"), "GET", "NONE")
        self.method(self.resource(root, "unpermitted"), "GET", "NONE", function_arn=self.unpermitted_arn)
        self.method(self.resource(self.resource(root, "files"), "{proxy+}"), "ANY", "NONE")
        iam_notes = self.resource(self.resource(root, "iam"), "notes")
        self.method(self.resource(iam_notes, "{owner}"), "GET", "AWS_IAM")
        mock = self.resource(root, "health")
        api.put_method(restApiId=self.rest_id, resourceId=mock, httpMethod="GET", authorizationType="NONE")
        api.put_integration(
            restApiId=self.rest_id,
            resourceId=mock,
            httpMethod="GET",
            type="MOCK",
            requestTemplates={"application/json": '{"statusCode": 200}'},
        )
        api.put_method_response(restApiId=self.rest_id, resourceId=mock, httpMethod="GET", statusCode="200")
        api.put_integration_response(
            restApiId=self.rest_id,
            resourceId=mock,
            httpMethod="GET",
            statusCode="200",
            responseTemplates={"application/json": '{"status": "ok"}'},
        )
        self.method(self.resource(root, "keyed"), "GET", "NONE", api_key_required=True)
        self._lambda_authorizers(root)
        self.later_resource = self.resource(root, "later")
        self._permit(self.rest_id)
        api.create_deployment(restApiId=self.rest_id, stageName="prod")
        self._api_key()

    def _api_key(self) -> None:
        """An API key in a usage plan of the `prod` stage, and one in no plan."""
        api = self.apigw
        key = api.create_api_key(name=self.aws.unique("key"), enabled=True)
        loose = api.create_api_key(name=self.aws.unique("loose-key"), enabled=True)
        self.api_key, self.loose_api_key = key["value"], loose["value"]
        plan = api.create_usage_plan(
            name=self.aws.unique("plan"), apiStages=[{"apiId": self.rest_id, "stage": "prod"}]
        )["id"]
        api.create_usage_plan_key(usagePlanId=plan, keyId=key["id"], keyType="API_KEY")
        self.cleanups.append(lambda: api.delete_api_key(apiKey=loose["id"]))
        self.cleanups.append(lambda: api.delete_api_key(apiKey=key["id"]))
        self.cleanups.append(lambda: api.delete_usage_plan_key(usagePlanId=plan, keyId=key["id"]))
        self.cleanups.append(lambda: api.delete_usage_plan(usagePlanId=plan))

    def _lambda_authorizers(self, root: str) -> None:
        """TOKEN authorizers on one function: cached (the default 300 s), not cached, and one
        API Gateway may not invoke."""
        uri = (
            f"arn:aws:apigateway:{self.aws.region}:lambda:path/2015-03-31/functions/"
            f"{self.authorizer_function_arn}/invocations"
        )
        made = {}
        sources = {"request": "method.request.header.Authorization, method.request.querystring.token"}
        for name, ttl in (("cached", None), ("uncached", 0), ("unpermitted", 0), ("request", 60)):
            extra = {} if ttl is None else {"authorizerResultTtlInSeconds": ttl}
            made[name] = self.apigw.create_authorizer(
                restApiId=self.rest_id,
                name=name,
                type="REQUEST" if name == "request" else "TOKEN",
                authorizerUri=uri,
                identitySource=sources.get(name, "method.request.header.Authorization"),
                **extra,
            )["id"]
        for name in ("cached", "uncached", "request"):
            self.lam.add_permission(
                FunctionName=self.authorizer_function_arn,
                StatementId=f"authorizer-{made[name]}",
                Action="lambda:InvokeFunction",
                Principal="apigateway.amazonaws.com",
                SourceArn=f"arn:aws:execute-api:{self.aws.region}:{self.account}:{self.rest_id}/authorizers/{made[name]}",
            )
        custom = self.resource(root, "custom")
        for part in ("a", "b"):
            self.method(self.resource(custom, part), "GET", "CUSTOM", authorizer_id=made["cached"])
        self.method(self.resource(root, "uncached"), "GET", "CUSTOM", authorizer_id=made["uncached"])
        self.method(self.resource(root, "locked"), "GET", "CUSTOM", authorizer_id=made["unpermitted"])
        self.method(self.resource(root, "by-request"), "GET", "CUSTOM", authorizer_id=made["request"])

    def resource(self, parent: str, part: str) -> str:
        return str(self.apigw.create_resource(restApiId=self.rest_id, parentId=parent, pathPart=part)["id"])

    def method(
        self,
        resource: str,
        http_method: str,
        authorization: str,
        scopes: list[str] | None = None,
        function_arn: str = "",
        api_key_required: bool = False,
        authorizer_id: str = "",
    ) -> None:
        extra: dict[str, Any] = {}
        if authorization == "COGNITO_USER_POOLS":
            extra["authorizerId"] = self.authorizer_id
        if authorizer_id:
            extra["authorizerId"] = authorizer_id
        if scopes:
            extra["authorizationScopes"] = scopes
        self.apigw.put_method(
            restApiId=self.rest_id,
            resourceId=resource,
            httpMethod=http_method,
            authorizationType=authorization,
            apiKeyRequired=api_key_required,
            **extra,
        )
        uri = (
            f"arn:aws:apigateway:{self.aws.region}:lambda:path/2015-03-31/functions/"
            f"{function_arn or self.function_arn}/invocations"
        )
        self.apigw.put_integration(
            restApiId=self.rest_id,
            resourceId=resource,
            httpMethod=http_method,
            type="AWS_PROXY",
            integrationHttpMethod="POST",
            uri=uri,
        )

    def _http_api(self) -> None:
        api = self.apigw2
        self.http_id = api.create_api(Name=self.aws.unique("notes-http"), ProtocolType="HTTP")["ApiId"]
        self.cleanups.append(lambda: api.delete_api(ApiId=self.http_id))
        jwt_authorizer = api.create_authorizer(
            ApiId=self.http_id,
            Name="notes-users",
            AuthorizerType="JWT",
            IdentitySource=["$request.header.Authorization"],
            JwtConfiguration={"Audience": [self.client_id], "Issuer": self.issuer},
        )["AuthorizerId"]
        version_2, version_1 = (
            api.create_integration(
                ApiId=self.http_id,
                IntegrationType="AWS_PROXY",
                IntegrationUri=self.function_arn,
                PayloadFormatVersion=version,
            )["IntegrationId"]
            for version in ("2.0", "1.0")
        )
        routes = (
            ("GET /notes/{id}", "JWT", [], version_2),
            ("GET /v1/notes/{id}", "JWT", [], version_1),
            ("GET /scoped", "JWT", ["notes/read"], version_2),
            ("GET /iam", "AWS_IAM", [], version_2),
            ("GET /open", "NONE", [], version_2),
        )
        for key, authorization, scopes, integration in routes:
            extra: dict[str, Any] = {"AuthorizerId": jwt_authorizer} if authorization == "JWT" else {}
            if scopes:
                extra["AuthorizationScopes"] = scopes
            api.create_route(
                ApiId=self.http_id,
                RouteKey=key,
                AuthorizationType=authorization,
                Target=f"integrations/{integration}",
                **extra,
            )
        api.create_stage(ApiId=self.http_id, StageName="$default", AutoDeploy=True)
        self._permit(self.http_id)

    def cleanup(self) -> None:
        for step in reversed(self.cleanups):
            with contextlib.suppress(ClientError):
                step()

    # --- calling ------------------------------------------------------------------------------

    def call(
        self,
        api_id: str,
        path: str,
        method: str = "GET",
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
    ) -> requests.Response:
        url, naming = self.aws.invoke_url(api_id, path)
        return requests.request(method, url, headers={**naming, **(headers or {})}, data=body, timeout=60)

    def signed_call(
        self, api_id: str, path: str, credentials: dict[str, str], method: str = "GET", secret: str = ""
    ) -> requests.Response:
        """A request signed with SigV4 for `execute-api`, over the invoke URL's own host."""
        signed = AWSRequest(
            method=method, url=f"https://{api_id}.execute-api.{self.aws.region}.amazonaws.com{path}"
        )
        key = Credentials(
            credentials["AccessKeyId"],
            secret or credentials["SecretAccessKey"],
            credentials.get("SessionToken"),
        )
        SigV4Auth(key, "execute-api", self.aws.region).add_auth(signed)
        return self.call(api_id, path, method, dict(signed.headers))


@pytest.fixture(scope="module")
def stack(aws: Any) -> Iterator[Stack]:
    built = Stack(aws)
    yield built
    built.cleanup()


def event_of(response: requests.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    return dict(response.json())


# --- REST API: the Cognito user pool authorizer -----------------------------------------------


def test_rest_without_a_token_is_401_unauthorized(stack: Stack) -> None:
    """No token in the identity source: 401 `{"message":"Unauthorized"}` (26 bytes) with
    `x-amzn-ErrorType: UnauthorizedException`.

    DG supported-gateway-response-types (UNAUTHORIZED: "the custom or Amazon Cognito authorizer
    failed to authenticate the caller"); observed aws-samples/serverless-patterns#2254.
    """
    response = stack.call(stack.rest_id, "/prod/notes/n1")
    assert response.status_code == 401
    assert response.content == UNAUTHORIZED
    assert response.headers["x-amzn-ErrorType"] == "UnauthorizedException"


def test_rest_id_token_reaches_the_function_with_every_claim_a_string(stack: Stack) -> None:
    """A method without authorization scopes takes the ID token; the function gets the request as
    payload 1.0 and the token's claims in `requestContext.authorizer.claims`, every value a string
    (numbers as digits, `exp`/`iat` as dates).

    DG apigateway-enable-cognito-user-pool ("treats the supplied token as an identity token"),
    set-up-lambda-proxy-integrations ("Input format"); awsdocs/amazon-api-gateway-developer-
    guide#158 (strings); observed formats repost.aws/questions/QUFJRBaEJRSmmqarNrvCWoQA.
    """
    token = stack.tokens("alice")["IdToken"]
    event = event_of(stack.call(stack.rest_id, "/prod/notes/n1?sort=new", headers={"Authorization": token}))
    claims = event["requestContext"]["authorizer"]["claims"]
    assert claims["sub"] == claims_of(token)["sub"]
    assert claims["cognito:username"] == "alice"
    assert claims["token_use"] == "id" and claims["aud"] == stack.client_id
    assert all(isinstance(value, str) for value in claims.values())
    assert re.fullmatch(r"\d+", claims["auth_time"])
    assert re.fullmatch(r"[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}", claims["exp"])
    assert event["resource"] == "/notes/{id}"
    assert event["path"] == "/notes/n1"
    assert event["httpMethod"] == "GET"
    assert event["pathParameters"] == {"id": "n1"}
    assert event["queryStringParameters"] == {"sort": "new"}
    assert event["multiValueQueryStringParameters"] == {"sort": ["new"]}
    assert event["headers"]["Authorization"] == token
    assert event["body"] is None and event["isBase64Encoded"] is False
    assert "version" not in event
    context = event["requestContext"]
    assert context["stage"] == "prod" and context["path"] == "/prod/notes/n1"
    assert context["resourcePath"] == "/notes/{id}" and context["apiId"] == stack.rest_id
    assert context["accountId"] == stack.account
    assert context["identity"]["cognitoIdentityId"] is None  # filled only under AWS_IAM


def test_rest_bearer_prefix_is_accepted(stack: Stack) -> None:
    """`Authorization: Bearer <token>` works as the raw token does.

    UNCONFIRMED by AWS's text; Amplify's docs send it and users report it works
    (aws-amplify/docs#959, #1137).
    """
    token = stack.tokens("alice")["IdToken"]
    assert stack.call(stack.rest_id, "/prod/notes/n1", headers={"Authorization": f"Bearer {token}"}).ok


def test_rest_access_token_on_a_method_without_scopes_is_401(stack: Stack) -> None:
    """Without authorization scopes the method expects an ID token: an access token is refused.

    DG apigateway-enable-cognito-user-pool; KC-401; observed awslabs/nx-plugin-for-aws#828.
    """
    token = stack.tokens("alice")["AccessToken"]
    response = stack.call(stack.rest_id, "/prod/notes/n1", headers={"Authorization": token})
    assert (response.status_code, response.content) == (401, UNAUTHORIZED)


def test_rest_method_with_scopes_takes_an_access_token_that_has_one(stack: Stack) -> None:
    """With authorization scopes the token is an access token, and any one of the method's scopes
    must be in its `scope` claim; an ID token is refused there.

    DG apigateway-enable-cognito-user-pool ("... verifies the access scopes ... against the
    authorization scopes declared on the method"; "Otherwise, the call fails with a 401").
    """
    tokens = stack.tokens("bob")
    event = event_of(stack.call(stack.rest_id, "/prod/me", headers={"Authorization": tokens["AccessToken"]}))
    claims = event["requestContext"]["authorizer"]["claims"]
    assert claims["token_use"] == "access" and claims["client_id"] == stack.client_id
    assert "aws.cognito.signin.user.admin" in claims["scope"].split()
    refused = stack.call(stack.rest_id, "/prod/me", headers={"Authorization": tokens["IdToken"]})
    assert (refused.status_code, refused.content) == (401, UNAUTHORIZED)
    unscoped = stack.call(stack.rest_id, "/prod/scoped", headers={"Authorization": tokens["AccessToken"]})
    assert (unscoped.status_code, unscoped.content) == (401, UNAUTHORIZED)


def test_rest_expired_token_is_the_incoming_token_has_expired(stack: Stack, offline_clock: Any) -> None:
    """A token past its `exp` gets 401 "The incoming token has expired".

    Observed aws-amplify/amplify-js#6060 and #10147 (the `x-amzn-ErrorType` is UNCONFIRMED).
    """
    token = stack.tokens("alice")["IdToken"]
    offline_clock.advance(3601)
    response = stack.call(stack.rest_id, "/prod/notes/n1", headers={"Authorization": token})
    assert response.status_code == 401
    assert response.json() == {"message": "The incoming token has expired"}


def test_rest_token_of_another_pool_or_tampered_is_401(stack: Stack) -> None:
    """A token the authorizer's user pools did not issue, or one whose claims were changed after
    signing, is refused.

    DG apigateway-enable-cognito-user-pool (the authorizer names its user pools); Cognito DG
    amazon-cognito-user-pools-using-tokens-verifying-a-jwt (the signature covers the claims).
    """
    other = stack.tokens("dave", stack.other_pool_client_id)["IdToken"]
    assert stack.call(stack.rest_id, "/prod/notes/n1", headers={"Authorization": other}).status_code == 401
    header, payload, signature = stack.tokens("alice")["IdToken"].split(".")
    import base64

    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["cognito:username"] = "bob"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    tampered = stack.call(
        stack.rest_id, "/prod/notes/n1", headers={"Authorization": f"{header}.{forged}.{signature}"}
    )
    assert (tampered.status_code, tampered.content) == (401, UNAUTHORIZED)


def test_rest_group_claim_is_a_string(stack: Stack) -> None:
    """`cognito:groups` reaches the function as a string, not a list.

    Observed for one group: `"cognito:groups": "team_manager"` (repost.aws/questions/
    QUFJRBaEJRSmmqarNrvCWoQA). How several groups are joined is UNCONFIRMED.
    """
    event = event_of(
        stack.call(
            stack.rest_id, "/prod/notes/n1", headers={"Authorization": stack.tokens("carol")["IdToken"]}
        )
    )
    assert event["requestContext"]["authorizer"]["claims"]["cognito:groups"] == "editors"


# --- REST API: routing, deployments, integrations ---------------------------------------------


def test_rest_unknown_path_is_missing_authentication_token(stack: Stack) -> None:
    """A path or method no resource has: 403 `{"message":"Missing Authentication Token"}`,
    `x-amzn-ErrorType: MissingAuthenticationTokenException`.

    DG supported-gateway-response-types (MISSING_AUTHENTICATION_TOKEN), set-up-gateway-response-
    using-the-console (the header).
    """
    for method, path in (("GET", "/prod/nothing"), ("DELETE", "/prod/open")):
        response = stack.call(stack.rest_id, path, method)
        assert response.status_code == 403
        assert response.json() == {"message": "Missing Authentication Token"}
        assert response.headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"


def test_rest_unknown_stage_is_forbidden(stack: Stack) -> None:
    """A path whose first segment is no stage of the API: 403 `{"message":"Forbidden"}`.

    Observed OWASP/Serverless-Goat#14 (the path without its stage), aws-samples/aws-microservices-
    deploy-options#26 (the stage in the wrong case).
    """
    for path in ("/dev/open", "/Prod/open", "/open"):
        response = stack.call(stack.rest_id, path)
        assert (response.status_code, response.json()) == (403, {"message": "Forbidden"})


def test_rest_proxy_resource_and_any_method(stack: Stack) -> None:
    """`ANY /files/{proxy+}` answers every method and every depth below `/files`; the function gets
    the greedy path parameter, the method used, repeated query parameters and the body.

    DG set-up-lambda-proxy-integrations ("`{proxy+}` can refer to any resource along a path
    hierarchy"; `multiValueQueryStringParameters`).
    """
    response = stack.call(stack.rest_id, "/prod/files/a/b.txt?tag=x&tag=y", "POST", body=b"hello")
    event = event_of(response)
    assert event["resource"] == "/files/{proxy+}" and event["httpMethod"] == "POST"
    assert event["pathParameters"] == {"proxy": "a/b.txt"}
    assert event["queryStringParameters"] == {"tag": "y"}
    assert event["multiValueQueryStringParameters"] == {"tag": ["x", "y"]}
    assert event["body"] == "hello"
    assert stack.call(stack.rest_id, "/prod/files").status_code == 403  # {proxy+} needs a segment


def test_rest_stage_serves_its_deployment(stack: Stack) -> None:
    """A method added after the deployment is not served until the API is deployed again.

    DG how-to-deploy-api ("After creating your API, you must deploy it to make it callable"; a
    stage is a reference to a deployment, a snapshot of the API).
    """
    stack.method(stack.later_resource, "GET", "NONE")
    assert stack.call(stack.rest_id, "/prod/later").status_code == 403
    stack.apigw.create_deployment(restApiId=stack.rest_id, stageName="prod")
    assert event_of(stack.call(stack.rest_id, "/prod/later"))["resource"] == "/later"


def test_rest_function_api_gateway_may_not_invoke_is_500(stack: Stack) -> None:
    """Without a resource-based policy statement for `apigateway.amazonaws.com`, Lambda refuses
    the invocation and API Gateway answers 500 `{"message": "Internal server error"}`.

    Lambda DG python-exceptions ("If the Lambda API rejects the invocation request, API Gateway
    returns a 500"); execution log "Invalid permissions on Lambda function" (observed
    serverless/serverless#1913); the body as captured in aws/aws-lambda-go#72.
    """
    response = stack.call(stack.rest_id, "/prod/unpermitted")
    assert response.status_code == 500
    assert response.content == INTERNAL_ERROR
    assert response.headers["x-amzn-ErrorType"] == "InternalServerErrorException"


def test_rest_function_error_or_malformed_answer_is_502(stack: Stack) -> None:
    """A function that raises, or returns a body that is not a string, gets 502.

    Lambda DG python-exceptions ("If the function runs but returns an error, or returns a response
    in the wrong format, API Gateway returns a 502"); KC-502; observed vincentsarago/lambda-proxy#59.
    """
    for respond in ("fail", "malformed"):
        response = stack.call(stack.rest_id, f"/prod/open?respond={respond}")
        assert (response.status_code, response.content) == (502, INTERNAL_ERROR)


def test_rest_function_sets_status_headers_and_body(stack: Stack) -> None:
    """The function's `statusCode`, `headers` and `multiValueHeaders` (which win for a name in both)
    and `body` are the response.

    DG set-up-lambda-proxy-integrations ("Output format": "only the values from multiValueHeaders
    will appear in the merged list").
    """
    response = stack.call(stack.rest_id, "/prod/open?respond=custom")
    assert response.status_code == 201
    assert response.text == "created"
    assert response.headers["X-Note"] == "single"
    assert response.headers["X-Both"] == "from, multiValueHeaders"


def test_rest_api_key_must_be_in_a_usage_plan_of_the_stage(stack: Stack) -> None:
    """A method with `apiKeyRequired` refuses a request without `x-api-key`, or with a key that no
    usage plan of the stage holds: 403 `{"message":"Forbidden"}`.

    DG api-gateway-api-usage-plans (a key works through a usage plan associated with the stage);
    observed svdgraaf/serverless-screenshot#10 (a key outside any usage plan is refused, 403).
    """
    for headers in ({}, {"x-api-key": stack.loose_api_key}):
        response = stack.call(stack.rest_id, "/prod/keyed", headers=headers)
        assert (response.status_code, response.json()) == (403, {"message": "Forbidden"})
    assert stack.call(stack.rest_id, "/prod/keyed", headers={"x-api-key": stack.api_key}).ok


def test_rest_mock_integration_answers_from_its_templates(stack: Stack) -> None:
    """A MOCK integration answers with the integration response its request template selects.

    DG how-to-mock-integration (request template `{"statusCode": 200}`, integration response
    template as the body).
    """
    response = stack.call(stack.rest_id, "/prod/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


# --- REST API: AWS_IAM authorization -------------------------------------------------------------


class Callers:
    """An IAM user allowed to invoke `GET /iam/notes/*`, one allowed nothing, and an identity pool
    whose authenticated role may invoke only the caller's own `GET /iam/notes/<identity id>`."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        aws, iam = stack.aws, stack.iam
        self.api_arn = f"arn:aws:execute-api:{aws.region}:{stack.account}:{stack.rest_id}"
        self.users: list[str] = []
        self.reader = self._user(
            {
                "Effect": "Allow",
                "Action": "execute-api:Invoke",
                "Resource": f"{self.api_arn}/prod/GET/iam/notes/*",
            }
        )
        self.nobody = self._user(None)
        self.identity_pool = stack.identity.create_identity_pool(
            IdentityPoolName=aws.unique("ip").replace("-", "_"),
            AllowUnauthenticatedIdentities=False,
            CognitoIdentityProviders=[
                {
                    "ProviderName": f"cognito-idp.{aws.region}.amazonaws.com/{stack.pool_id}",
                    "ClientId": stack.client_id,
                }
            ],
        )["IdentityPoolId"]
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": "cognito-identity.amazonaws.com"},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {
                        "StringEquals": {"cognito-identity.amazonaws.com:aud": self.identity_pool},
                        "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"},
                    },
                }
            ],
        }
        self.role_name = aws.unique("notes-users")
        role_arn = iam.create_role(RoleName=self.role_name, AssumeRolePolicyDocument=json.dumps(trust))[
            "Role"
        ]["Arn"]
        own_notes = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "OwnNotesOnly",
                    "Effect": "Allow",
                    "Action": "execute-api:Invoke",
                    "Resource": f"{self.api_arn}/prod/GET/iam/notes/${{cognito-identity.amazonaws.com:sub}}",
                }
            ],
        }
        iam.put_role_policy(
            RoleName=self.role_name, PolicyName="own-notes", PolicyDocument=json.dumps(own_notes)
        )
        stack.identity.set_identity_pool_roles(
            IdentityPoolId=self.identity_pool, Roles={"authenticated": role_arn}
        )

    def _user(self, statement: dict[str, Any] | None) -> dict[str, str]:
        iam = self.stack.iam
        name = self.stack.aws.unique("caller")
        iam.create_user(UserName=name)
        self.users.append(name)
        if statement is not None:
            document = {"Version": "2012-10-17", "Statement": [{"Sid": "ReadNotes", **statement}]}
            iam.put_user_policy(UserName=name, PolicyName="invoke", PolicyDocument=json.dumps(document))
        key = iam.create_access_key(UserName=name)["AccessKey"]
        return {
            "AccessKeyId": key["AccessKeyId"],
            "SecretAccessKey": key["SecretAccessKey"],
            "UserName": name,
        }

    def identity_credentials(self, username: str) -> tuple[str, dict[str, str]]:
        provider = f"cognito-idp.{self.stack.aws.region}.amazonaws.com/{self.stack.pool_id}"
        logins = {provider: self.stack.tokens(username)["IdToken"]}
        identity_id = self.stack.identity.get_id(IdentityPoolId=self.identity_pool, Logins=logins)[
            "IdentityId"
        ]
        found = self.stack.identity.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)
        credentials = found["Credentials"]
        return identity_id, {
            "AccessKeyId": credentials["AccessKeyId"],
            "SecretAccessKey": credentials["SecretKey"],
            "SessionToken": credentials["SessionToken"],
        }

    def cleanup(self) -> None:
        iam = self.stack.iam
        steps: list[Any] = [
            lambda: self.stack.identity.delete_identity_pool(IdentityPoolId=self.identity_pool)
        ]
        steps.append(lambda: iam.delete_role_policy(RoleName=self.role_name, PolicyName="own-notes"))
        steps.append(lambda: iam.delete_role(RoleName=self.role_name))
        for name in self.users:
            for key in iam.list_access_keys(UserName=name)["AccessKeyMetadata"]:
                steps.append(
                    lambda n=name, k=key["AccessKeyId"]: iam.delete_access_key(UserName=n, AccessKeyId=k)
                )
            steps.append(lambda n=name: iam.delete_user_policy(UserName=n, PolicyName="invoke"))
            steps.append(lambda n=name: iam.delete_user(UserName=n))
        for step in steps:
            with contextlib.suppress(ClientError):
                step()


@pytest.fixture(scope="module")
def callers(stack: Stack) -> Iterator[Callers]:
    built = Callers(stack)
    yield built
    built.cleanup()


def test_rest_iam_unsigned_is_missing_authentication_token(stack: Stack) -> None:
    """An AWS_IAM method called without a SigV4 signature: 403 "Missing Authentication Token".

    KC-403 (api-gateway-troubleshoot-403-forbidden); DG supported-gateway-response-types.
    """
    response = stack.call(stack.rest_id, "/prod/iam/notes/alice")
    assert response.status_code == 403
    assert response.json() == {"message": "Missing Authentication Token"}
    assert response.headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"


def test_rest_iam_given_a_token_instead_of_a_signature(stack: Stack) -> None:
    """A user pool token in the Authorization header of an AWS_IAM method is an incomplete
    signature, quoted back.

    Observed nordcloud/cognitocurl#15 (the message; its `x-amzn-ErrorType` is UNCONFIRMED).
    """
    token = stack.tokens("alice")["IdToken"]
    response = stack.call(stack.rest_id, "/prod/iam/notes/alice", headers={"Authorization": token})
    assert response.status_code == 403
    assert response.json()["message"] == (
        "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' "
        "parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires "
        f"existence of either a 'X-Amz-Date' or a 'Date' header. Authorization={token}"
    )


def test_rest_iam_allowed_caller_reaches_the_function_with_its_identity(
    stack: Stack, callers: Callers
) -> None:
    """A signed request whose caller's policy allows `execute-api:Invoke` on the method's ARN gets
    through; the function sees the caller in `requestContext.identity`.

    DG api-gateway-control-access-using-iam-policies-to-invoke-api (the ARN), set-up-lambda-proxy-
    integrations (the AWS_IAM `requestContext` example: `caller`, `user`, `userArn`, `accessKey`).
    """
    event = event_of(stack.signed_call(stack.rest_id, "/prod/iam/notes/anything", callers.reader))
    identity = event["requestContext"]["identity"]
    assert identity["userArn"] == f"arn:aws:iam::{stack.account}:user/{callers.reader['UserName']}"
    assert identity["accessKey"] == callers.reader["AccessKeyId"]
    assert identity["accountId"] == stack.account
    user_id = stack.iam.get_user(UserName=callers.reader["UserName"])["User"]["UserId"]
    assert identity["caller"] == identity["user"] == user_id
    assert identity["cognitoIdentityId"] is None


def test_rest_iam_caller_without_an_allow_is_access_denied(stack: Stack, callers: Callers) -> None:
    """No policy allows the call: 403 `AccessDeniedException`, `{"Message": "User: <arn> is not
    authorized to perform: execute-api:Invoke on resource: <arn> ..."}` (capital M).

    Observed ASFHyP3/hyp3#2283 and serverless/serverless#11808; the reason at the end is KC-SIGV4's
    current wording.
    """
    response = stack.signed_call(stack.rest_id, "/prod/iam/notes/alice", callers.nobody)
    assert response.status_code == 403
    assert response.headers["x-amzn-ErrorType"] == "AccessDeniedException"
    user_arn = f"arn:aws:iam::{stack.account}:user/{callers.nobody['UserName']}"
    method_arn = f"{callers.api_arn}/prod/GET/iam/notes/alice"
    assert response.json() == {
        "Message": f"User: {user_arn} is not authorized to perform: execute-api:Invoke on resource: "
        f"{method_arn} because no identity-based policy allows the execute-api:Invoke action"
    }


def test_rest_iam_wrong_secret_or_unknown_key(stack: Stack, callers: Callers) -> None:
    """A signature made with another secret is `InvalidSignatureException`; an access key nobody
    holds is "The security token included in the request is invalid."; both 403.

    KC-SIGV4 (the signature message; header UNCONFIRMED); KC-403 (the unknown key).
    """
    bad = stack.signed_call(stack.rest_id, "/prod/iam/notes/x", callers.reader, secret="not-the-secret")
    assert bad.status_code == 403
    assert bad.headers["x-amzn-ErrorType"] == "InvalidSignatureException"
    assert bad.json()["message"].startswith("The request signature we calculated does not match")
    unknown = {"AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG"}
    response = stack.signed_call(stack.rest_id, "/prod/iam/notes/x", unknown)
    assert response.status_code == 403
    assert response.json() == {"message": "The security token included in the request is invalid."}


def test_rest_iam_policy_variable_limits_identity_pool_users_to_their_own_path(
    stack: Stack, callers: Callers
) -> None:
    """An identity pool role whose policy names `.../GET/iam/notes/${cognito-identity.amazonaws.com:
    sub}` lets each user reach only the path with their own identity id; the function sees the
    identity pool fields.

    IAM UG reference_policies_variables (variables in the resource part of an ARN); DG
    api-gateway-mapping-template-reference (`cognitoIdentityId`, `cognitoIdentityPoolId`,
    `cognitoAuthenticationType`, `cognitoAuthenticationProvider`); observed events anomalyco/
    guide#213, aws-amplify/amplify-js#2923 (the provider's `CognitoSignIn:<sub>` form).
    """
    identity_id, credentials = callers.identity_credentials("alice")
    event = event_of(stack.signed_call(stack.rest_id, f"/prod/iam/notes/{identity_id}", credentials))
    identity = event["requestContext"]["identity"]
    assert identity["cognitoIdentityId"] == identity_id
    assert identity["cognitoIdentityPoolId"] == callers.identity_pool
    assert identity["cognitoAuthenticationType"] == "authenticated"
    sub = claims_of(stack.tokens("alice")["IdToken"])["sub"]
    provider = f"cognito-idp.{stack.aws.region}.amazonaws.com/{stack.pool_id}"
    assert identity["cognitoAuthenticationProvider"] == f"{provider},{provider}:CognitoSignIn:{sub}"
    assert identity["userArn"].endswith(f":assumed-role/{callers.role_name}/CognitoIdentityCredentials")
    other_id, _ = callers.identity_credentials("bob")
    assert stack.signed_call(stack.rest_id, f"/prod/iam/notes/{other_id}", credentials).status_code == 403


def test_rest_iam_decision_is_in_the_decision_log(stack: Stack, callers: Callers, decision_log: Any) -> None:
    """The offline AWS keeps API Gateway's IAM decision with S3's and DynamoDB's, so a notebook can
    say which statement decided (AWS does not; an offline-only record, see
    authorization/decisionlog.py).
    """
    identity_id, credentials = callers.identity_credentials("alice")
    stack.signed_call(stack.rest_id, f"/prod/iam/notes/{identity_id}", credentials)
    record = decision_log.newest(credentials["AccessKeyId"])
    assert (record.action, record.effect, record.service) == ("execute-api:Invoke", "Allow", "execute-api")
    assert record.resource == f"{callers.api_arn}/prod/GET/iam/notes/{identity_id}"
    assert record.deciding[0].sid == "OwnNotesOnly"
    stack.signed_call(stack.rest_id, "/prod/iam/notes/someone-else", credentials)
    refused = decision_log.newest(credentials["AccessKeyId"])
    assert refused.effect == "ImplicitDeny" and refused.error_code == "AccessDeniedException"


# --- HTTP API: the JWT authorizer, payload 2.0 and 1.0 ---------------------------------------------


def test_http_id_token_reaches_the_function_as_payload_2(stack: Stack) -> None:
    """An HTTP API's JWT authorizer with the user pool as issuer and the app client as audience
    accepts the ID token (`aud`); the function gets payload 2.0 with the claims as strings in
    `requestContext.authorizer.jwt.claims` and `scopes` null for a route without scopes. The
    `$default` stage is served at the root.

    DG http-api-jwt-authorizer, http-api-develop-integrations-lambda (payload 2.0), http-api-stages;
    observed DefinitelyTyped/DefinitelyTyped#75458 (`"exp": "1787996002"`), aws/aws-lambda-go#317
    (`scopes` null).
    """
    token = stack.tokens("alice")["IdToken"]
    event = event_of(stack.call(stack.http_id, "/notes/n1?a=1&a=2", headers={"Authorization": token}))
    assert event["version"] == "2.0"
    assert event["routeKey"] == "GET /notes/{id}"
    assert event["rawPath"] == "/notes/n1" and event["rawQueryString"] == "a=1&a=2"
    assert event["queryStringParameters"] == {"a": "1,2"}
    assert event["pathParameters"] == {"id": "n1"}
    assert event["headers"]["authorization"] == token  # names lower-cased
    jwt = event["requestContext"]["authorizer"]["jwt"]
    assert jwt["scopes"] is None
    assert jwt["claims"]["sub"] == claims_of(token)["sub"]
    assert jwt["claims"]["exp"] == str(claims_of(token)["exp"])
    assert all(isinstance(value, str) for value in jwt["claims"].values())
    context = event["requestContext"]
    assert context["stage"] == "$default" and context["http"]["method"] == "GET"
    assert context["http"]["path"] == "/notes/n1" and context["routeKey"] == "GET /notes/{id}"


def test_http_access_token_is_accepted_by_its_client_id(stack: Stack) -> None:
    """A user pool access token has no `aud`; the JWT authorizer then checks `client_id`.

    DG http-api-troubleshooting-jwt ("API Gateway validates client_id only if aud is not present").
    """
    token = stack.tokens("bob")["AccessToken"]
    event = event_of(stack.call(stack.http_id, "/notes/n2", headers={"Authorization": f"Bearer {token}"}))
    assert event["requestContext"]["authorizer"]["jwt"]["claims"]["client_id"] == stack.client_id


def test_http_refused_tokens_are_401_with_a_challenge(stack: Stack) -> None:
    """No token, or a token of another app client: 401 `{"message":"Unauthorized"}`; the wrong
    audience is named in `www-authenticate`.

    DG http-api-troubleshooting-jwt (the header and "the token does not have a valid audience";
    the other descriptions are UNCONFIRMED).
    """
    missing = stack.call(stack.http_id, "/notes/n1")
    assert (missing.status_code, missing.content) == (401, UNAUTHORIZED)
    token = stack.tokens("alice", stack.other_client_id)["IdToken"]
    wrong = stack.call(stack.http_id, "/notes/n1", headers={"Authorization": token})
    assert (wrong.status_code, wrong.content) == (401, UNAUTHORIZED)
    assert wrong.headers["www-authenticate"] == (
        'Bearer scope="" error="invalid_token" error_description="the token does not have a valid audience"'
    )


def test_http_route_scopes_need_one_in_the_token(stack: Stack) -> None:
    """A route with authorization scopes refuses a token that has none of them.

    DG http-api-jwt-authorizer ("the token must include at least one of the scopes in the route's
    authorizationScopes"). UNCONFIRMED: 403 `{"message":"Forbidden"}` (what serverless-offline and
    RFC 6750's insufficient_scope answer; AWS's page does not say).
    """
    token = stack.tokens("alice")["AccessToken"]
    response = stack.call(stack.http_id, "/scoped", headers={"Authorization": token})
    assert (response.status_code, response.json()) == (403, {"message": "Forbidden"})


def test_http_payload_1_has_version_and_claims_with_scopes(stack: Stack) -> None:
    """An integration with payload format 1.0 sends the REST-style event with `"version": "1.0"`
    and the JWT claims in `requestContext.authorizer.claims`, next to `scopes`.

    DG http-api-develop-integrations-lambda (the 1.0 example).
    """
    token = stack.tokens("alice")["IdToken"]
    event = event_of(stack.call(stack.http_id, "/v1/notes/n1", headers={"Authorization": token}))
    assert event["version"] == "1.0"
    assert event["resource"] == "/v1/notes/{id}" and event["pathParameters"] == {"id": "n1"}
    authorizer = event["requestContext"]["authorizer"]
    assert authorizer["claims"]["cognito:username"] == "alice" and authorizer["scopes"] is None
    assert event["requestContext"]["stage"] == "$default"


def test_http_unknown_route_is_not_found(stack: Stack) -> None:
    """No route matches: 404 `{"message":"Not Found"}`.

    DG http-api-develop-routes.
    """
    response = stack.call(stack.http_id, "/nothing/here")
    assert (response.status_code, response.json()) == (404, {"message": "Not Found"})


def test_http_function_failures_are_internal_server_error(stack: Stack) -> None:
    """A function that raises: 500 `{"message":"Internal Server Error"}` (the HTTP API spelling).

    DG http-api-troubleshooting-lambda.
    """
    response = stack.call(stack.http_id, "/open?respond=fail")
    assert (response.status_code, response.json()) == (500, {"message": "Internal Server Error"})


def test_http_payload_2_infers_a_response_from_plain_json(stack: Stack) -> None:
    """With payload 2.0, JSON without `statusCode` is a 200 `application/json` body.

    DG http-api-develop-integrations-lambda ("API Gateway can infer the response format for you").
    """
    response = stack.call(stack.http_id, "/open?respond=plain")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {"notes": ["n1", "n2"]}


def test_http_iam_route(stack: Stack, callers: Callers) -> None:
    """An AWS_IAM route: unsigned or denied is 403 `{"message":"Forbidden"}`; an allowed caller's
    identity is in `requestContext.authorizer.iam`.

    Observed aws/aws-cdk#21182 (the denial; UNCONFIRMED for an unsigned request); aws/aws-lambda-
    dotnet http-api-v2-request-iam-authorizer.json (the `iam` object).
    """
    unsigned = stack.call(stack.http_id, "/iam")
    assert (unsigned.status_code, unsigned.json()) == (403, {"message": "Forbidden"})
    assert stack.signed_call(stack.http_id, "/iam", callers.nobody).status_code == 403
    iam_policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "execute-api:Invoke",
                "Resource": f"arn:aws:execute-api:{stack.aws.region}:{stack.account}:{stack.http_id}/*",
            }
        ],
    }
    stack.iam.put_user_policy(
        UserName=callers.nobody["UserName"], PolicyName="invoke", PolicyDocument=json.dumps(iam_policy)
    )
    event = event_of(stack.signed_call(stack.http_id, "/iam", callers.nobody))
    iam = event["requestContext"]["authorizer"]["iam"]
    assert iam["accessKey"] == callers.nobody["AccessKeyId"]
    assert iam["userArn"] == f"arn:aws:iam::{stack.account}:user/{callers.nobody['UserName']}"
    assert iam["cognitoIdentity"] is None


# --- REST API: Lambda (TOKEN) authorizers --------------------------------------------------------


def test_rest_lambda_authorizer_allows_and_its_context_reaches_the_function(stack: Stack) -> None:
    """A TOKEN authorizer gets the header's token and the method ARN; its Allow lets the request
    through, and `principalId` and `context` reach the integration in `requestContext.authorizer`,
    the context's values stringified.

    DG api-gateway-lambda-authorizer-input, api-gateway-lambda-authorizer-output ("The returned
    values are all stringified"; UNCONFIRMED for a proxy integration's event).
    """
    event = event_of(stack.call(stack.rest_id, "/prod/custom/a", headers={"Authorization": "allow"}))
    authorizer = event["requestContext"]["authorizer"]
    assert authorizer["principalId"] == "user-allow"
    assert (authorizer["plan"], authorizer["seats"], authorizer["admin"]) == ("pro", "3", "false")
    assert authorizer["type"] == "TOKEN"


def test_rest_request_authorizer_gets_the_request_and_needs_every_identity_source(stack: Stack) -> None:
    """A REQUEST authorizer gets the request's headers and query string; with caching on, a request
    missing one of its identity sources is 401 without the function being asked.

    DG api-gateway-lambda-authorizer-input (the REQUEST input); KC api-gateway-401-error-lambda-
    authorizer (401 "without calling the Lambda authorizer function" when "the configured identity
    sources are missing, null, empty, or invalid").
    """
    response = stack.call(stack.rest_id, "/prod/by-request?token=x", headers={"Authorization": "allow"})
    assert event_of(response)["requestContext"]["authorizer"]["type"] == "REQUEST"
    missing = stack.call(stack.rest_id, "/prod/by-request", headers={"Authorization": "allow"})
    assert (missing.status_code, missing.content) == (401, UNAUTHORIZED)


def test_rest_lambda_authorizer_refusals(stack: Stack) -> None:
    """No token or "Unauthorized" from the function: 401 Unauthorized; a Deny policy: 403
    `{"Message":"User is not authorized to access this resource with an explicit deny"}`; a
    function that fails otherwise: 500 `{"message": null}`.

    DG apigateway-use-lambda-authorizer ("Unauthorized"); KC-403 (the explicit deny); observed
    auth0-samples/jwt-rsa-aws-custom-authorizer#6 (the 500 body).
    """
    for headers in ({}, {"Authorization": "unauthorized"}):
        response = stack.call(stack.rest_id, "/prod/uncached", headers=headers)
        assert (response.status_code, response.content) == (401, UNAUTHORIZED)
    denied = stack.call(stack.rest_id, "/prod/uncached", headers={"Authorization": "deny"})
    assert denied.status_code == 403
    assert denied.json() == {
        "Message": "User is not authorized to access this resource with an explicit deny"
    }
    broken = stack.call(stack.rest_id, "/prod/uncached", headers={"Authorization": "broken"})
    assert (broken.status_code, broken.json()) == (500, {"message": None})


def test_rest_lambda_authorizer_api_gateway_may_not_invoke_is_500(stack: Stack) -> None:
    """An authorizer whose function has no resource-policy statement for
    `.../{api_id}/authorizers/{authorizer_id}` cannot run: 500 `{"message": null}`.

    DG configure-lambda-authorizer (the permission the console adds); DG supported-gateway-response-
    types (AUTHORIZER_CONFIGURATION_ERROR, 500).
    """
    response = stack.call(stack.rest_id, "/prod/locked", headers={"Authorization": "allow"})
    assert (response.status_code, response.json()) == (500, {"message": None})


def test_rest_lambda_authorizer_cached_policy_decides_other_methods(stack: Stack, offline_clock: Any) -> None:
    """The authorizer's result is cached per token for its TTL (300 s by default) and the cached
    policy decides every method: a policy naming only the first method refuses the second until the
    cache expires.

    DG apigateway-lambda-authorizer-flow and configure-lambda-authorizer (authorizer caching);
    CreateAuthorizer `authorizerResultTtlInSeconds` (default 300).
    """
    token = {"Authorization": "narrow-cached"}
    assert stack.call(stack.rest_id, "/prod/custom/a", headers=token).ok
    refused = stack.call(stack.rest_id, "/prod/custom/b", headers=token)
    assert refused.status_code == 403
    assert refused.json() == {"Message": "User is not authorized to access this resource"}
    offline_clock.advance(301)
    assert stack.call(stack.rest_id, "/prod/custom/b", headers=token).ok


# --- the lab's own record of each invocation -------------------------------------------------------


def test_the_invocation_log_says_why(stack: Stack, invocation_log: Any) -> None:
    """The offline AWS keeps, for each request to an invoke URL, the route, the authorizer's result
    and why it ended as it did, in the words of API Gateway's execution log ("Execution failed due
    to configuration error: Invalid permissions on Lambda function", observed serverless/
    serverless#1913). AWS writes these to CloudWatch only when execution logging is on; the lab's
    log is offline-only (in-process `recent_invocations()`, at the endpoint `GET /_lab/invocations`).
    A record carries the ids API Gateway sent back (`x-amzn-RequestId`, `x-amz-apigw-id`), so a
    client finds the record of its own request.
    """
    response = stack.call(stack.rest_id, "/prod/unpermitted")
    record = invocation_log.newest()
    assert record["request_id"] == response.headers["x-amzn-RequestId"]
    assert record["extended_request_id"] == response.headers["x-amz-apigw-id"]
    assert (record["status"], record["route"]) == (500, "GET /unpermitted")
    assert record["reason"].startswith("Execution failed due to configuration error: Invalid permissions")
    stack.call(
        stack.rest_id, "/prod/notes/n1", headers={"Authorization": stack.tokens("alice")["AccessToken"]}
    )
    refused = invocation_log.newest()
    assert refused["authorization"]["decision"] == "Deny"
    assert "takes an ID token" in refused["authorization"]["reason"]
