"""Who may build an API and a function: IAM's actions and resources for API Gateway's management
API and for Lambda, as AWS names them.

API Gateway's management API (REST and HTTP APIs alike) is authorized by HTTP verb on the path of
the request: CreateRestApi is `apigateway:POST` on `arn:aws:apigateway:{region}::/restapis`,
DeleteRestApi `apigateway:DELETE` on `.../restapis/{id}` (Service Authorization Reference, "Actions,
resources, and condition keys for Amazon API Gateway Management"; API Gateway DG
security_iam_service-with-iam, whose example allows `arn:aws:apigateway:us-east-1::/restapis`).
Lambda's function actions are authorized on the function's ARN, ListFunctions on `*`, and Invoke is
`lambda:InvokeFunction` (Service Authorization Reference, "Actions, resources, and condition keys
for AWS Lambda"). A log group's actions are authorized on `arn:aws:logs:{region}:{account}:log-group:
{name}`, tags on the ARN the request names (the same reference, "... for Amazon CloudWatch
Logs"). The course's runner policy is written in these terms, so a learner's IAM user may build the
notebook's API and function and nothing else.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError


class Builder:
    """An IAM user who may manage REST APIs, and functions whose names start with its prefix."""

    def __init__(self, aws: Any) -> None:
        self.aws = aws
        self.iam = aws.client("iam")
        self.account = aws.client("sts").get_caller_identity()["Account"]
        self.prefix = aws.unique("fn")
        self.name = aws.unique("builder")
        region = aws.region
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "RestApis",
                    "Effect": "Allow",
                    "Action": ["apigateway:GET", "apigateway:POST", "apigateway:DELETE"],
                    "Resource": [
                        f"arn:aws:apigateway:{region}::/restapis",
                        f"arn:aws:apigateway:{region}::/restapis/*",
                    ],
                },
                {
                    "Sid": "OwnFunctions",
                    "Effect": "Allow",
                    "Action": ["lambda:GetFunction", "lambda:InvokeFunction"],
                    "Resource": f"arn:aws:lambda:{region}:*:function:{self.prefix}-*",
                },
                {
                    "Sid": "OwnFunctionsLogs",
                    "Effect": "Allow",
                    "Action": [
                        "logs:CreateLogGroup",
                        "logs:TagResource",
                        "logs:ListTagsForResource",
                        "logs:FilterLogEvents",
                        "logs:DeleteLogGroup",
                    ],
                    "Resource": f"arn:aws:logs:{region}:*:log-group:/aws/lambda/{self.prefix}-*",
                },
            ],
        }
        self.iam.create_user(UserName=self.name)
        self.iam.put_user_policy(UserName=self.name, PolicyName="build", PolicyDocument=json.dumps(policy))
        key = self.iam.create_access_key(UserName=self.name)["AccessKey"]
        self.key_id = key["AccessKeyId"]
        self.credentials = {
            "aws_access_key_id": key["AccessKeyId"],
            "aws_secret_access_key": key["SecretAccessKey"],
        }

    def client(self, service: str) -> Any:
        return self.aws.client(service, **self.credentials)

    def cleanup(self) -> None:
        for step in (
            lambda: self.iam.delete_access_key(UserName=self.name, AccessKeyId=self.key_id),
            lambda: self.iam.delete_user_policy(UserName=self.name, PolicyName="build"),
            lambda: self.iam.delete_user(UserName=self.name),
        ):
            with contextlib.suppress(ClientError):
                step()


@pytest.fixture(scope="module")
def builder(aws: Any) -> Iterator[Builder]:
    made = Builder(aws)
    yield made
    made.cleanup()


def _denial(error: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    details = error.value.response["Error"]
    return details["Code"], details["Message"]


def test_rest_apis_are_managed_by_http_verb_on_their_path(builder: Builder, decision_log: Any) -> None:
    """CreateRestApi and DeleteRestApi are allowed by `apigateway:POST` on `/restapis` and
    `apigateway:DELETE` on `/restapis/{id}`; the decisions name those actions and resources."""
    apigateway = builder.client("apigateway")
    api_id = apigateway.create_rest_api(name=builder.aws.unique("api"))["id"]
    created = decision_log.newest(builder.key_id)
    assert (created.action, created.resource) == (
        "apigateway:POST",
        f"arn:aws:apigateway:{builder.aws.region}::/restapis",
    )
    assert api_id in [item["id"] for item in apigateway.get_rest_apis()["items"]]
    apigateway.delete_rest_api(restApiId=api_id)
    deleted = decision_log.newest(builder.key_id)
    assert (deleted.action, deleted.resource) == (
        "apigateway:DELETE",
        f"arn:aws:apigateway:{builder.aws.region}::/restapis/{api_id}",
    )


def test_an_api_verb_the_policy_lacks_is_access_denied_naming_verb_and_path(builder: Builder) -> None:
    """The user may not PATCH: AccessDeniedException naming `apigateway:PATCH` and the API's path
    (IAM User Guide troubleshoot_access-denied: who, which action, which resource, why)."""
    apigateway = builder.aws.client("apigateway")  # the administrator makes the API
    api_id = apigateway.create_rest_api(name=builder.aws.unique("api"))["id"]
    try:
        with pytest.raises(ClientError) as refused:
            builder.client("apigateway").update_rest_api(
                restApiId=api_id, patchOperations=[{"op": "replace", "path": "/name", "value": "renamed"}]
            )
        code, message = _denial(refused)
        assert code == "AccessDeniedException"
        assert "is not authorized to perform: apigateway:PATCH on resource: " in message
        assert f"arn:aws:apigateway:{builder.aws.region}::/restapis/{api_id}" in message
    finally:
        apigateway.delete_rest_api(restApiId=api_id)


def test_function_actions_are_decided_on_the_function_arn(builder: Builder, decision_log: Any) -> None:
    """GetFunction on a function outside the policy's name pattern is refused on that function's
    ARN, whether the request names it by name or by ARN; ListFunctions is an action on `*`."""
    lam = builder.client("lambda")
    other = f"{builder.aws.unique('other')}"
    arn = f"arn:aws:lambda:{builder.aws.region}:{builder.account}:function:{other}"
    for named in (other, arn):
        with pytest.raises(ClientError) as refused:
            lam.get_function(FunctionName=named)
        code, message = _denial(refused)
        assert code == "AccessDeniedException"
        assert f"lambda:GetFunction on resource: {arn}" in message
    with pytest.raises(ClientError) as listing:
        lam.list_functions()
    assert _denial(listing)[0] == "AccessDeniedException"
    record = decision_log.newest(builder.key_id)
    assert (record.action, record.resource) == ("lambda:ListFunctions", "*")


def test_a_function_the_policy_names_gets_past_iam(builder: Builder, decision_log: Any) -> None:
    """Within the name pattern IAM allows GetFunction; Lambda then answers that there is no such
    function (authorization comes first), and Invoke is decided as `lambda:InvokeFunction`."""
    lam = builder.client("lambda")
    name = f"{builder.prefix}-missing"
    with pytest.raises(ClientError) as missing:
        lam.get_function(FunctionName=name)
    assert _denial(missing)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as invoked:
        lam.invoke(FunctionName=name)
    assert _denial(invoked)[0] == "ResourceNotFoundException"
    record = decision_log.newest(builder.key_id)
    assert (record.action, record.effect) == ("lambda:InvokeFunction", "Allow")
    assert record.resource == f"arn:aws:lambda:{builder.aws.region}:{builder.account}:function:{name}"


def test_log_group_actions_are_decided_on_the_log_groups_arn(builder: Builder, decision_log: Any) -> None:
    """A function's log group within the policy's pattern may be made with tags, read and deleted;
    another group is refused on its own ARN. The course's runner policy scopes its log groups so."""
    logs = builder.client("logs")
    region, account = builder.aws.region, builder.account
    mine = f"/aws/lambda/{builder.prefix}-notes"
    logs.create_log_group(logGroupName=mine, tags={"course": "test"})
    record = decision_log.newest(builder.key_id)
    assert (record.action, record.resource) == (
        "logs:CreateLogGroup",
        f"arn:aws:logs:{region}:{account}:log-group:{mine}",
    )
    assert logs.filter_log_events(logGroupName=mine)["events"] == []
    logs.delete_log_group(logGroupName=mine)
    other = f"/aws/lambda/{builder.aws.unique('other')}"
    with pytest.raises(ClientError) as refused:
        logs.create_log_group(logGroupName=other)
    code, message = _denial(refused)
    assert code == "AccessDeniedException"
    assert f"logs:CreateLogGroup on resource: arn:aws:logs:{region}:{account}:log-group:{other}" in message
