"""What AWS evaluates for a request: the IAM action, the resource ARNs and the condition keys.

IAM policies for the course hinge on a few request keys: `s3:prefix` decides
what a ListBucket may list, `dynamodb:LeadingKeys` whose items a request may
touch. moto evaluates neither and names every DynamoDB resource `*`; this
module reads them from the request the way the services document them.

Sources: S3 User Guide "Amazon S3 condition key examples" / walkthrough1
(`s3:prefix` is absent when the request has no prefix parameter, "" when the
parameter is empty); DynamoDB Developer Guide "Using IAM policy conditions
for fine-grained access control" (`dynamodb:LeadingKeys`, `Attributes`,
`Select`; LeadingKeys is not defined for Scan); Service Authorization Reference
(the IAM action behind each API operation; API Gateway's management API is authorized by HTTP verb
on the request's path, "Actions, resources, and condition keys for Amazon API Gateway Management";
Lambda's function actions on the function's ARN, "... for AWS Lambda"; CloudWatch Logs' on the log
group's, "... for Amazon CloudWatch Logs"); IAM User Guide
reference_policies_condition-keys (the global keys `aws:CurrentTime`, `aws:EpochTime`,
`aws:SecureTransport`, `aws:RequestedRegion`).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from .. import clock

Keys = dict[str, Any]

# Where the operation's name is not the IAM action's (boto3 operation -> IAM action).
_IAM_ACTION_NAMES = {
    ("s3", "ListObjects"): "ListBucket",
    ("s3", "ListObjectsV2"): "ListBucket",
    ("s3", "HeadBucket"): "ListBucket",
    ("s3", "HeadObject"): "GetObject",
    ("s3", "ListObjectVersions"): "ListBucketVersions",
    ("s3", "ListBuckets"): "ListAllMyBuckets",
    ("s3", "DeleteObjects"): "DeleteObject",
    ("lambda", "Invoke"): "InvokeFunction",
}


def operation(response: Any, service: str) -> str:
    """The API operation called (moto's request handler knows it)."""
    if service == "s3":
        return str(response.data.get("Action") or response._get_action())
    action = response._get_action()
    return str(action[0] if isinstance(action, list) else action)


def action(service: str, operation: str, method: str = "") -> str:
    """The IAM action AWS authorizes for `operation`, e.g. `s3:ListBucket` for ListObjectsV2.

    API Gateway's management API (`apigateway` and `apigatewayv2`, which both sign as
    `apigateway`) has one action per HTTP verb: CreateRestApi is `apigateway:POST`, PutMethod
    `apigateway:PUT` (Service Authorization Reference, Amazon API Gateway Management); `method` is
    the request's.
    """
    if service == "apigateway" and method:
        return f"apigateway:{method.upper()}"
    return f"{service}:{_IAM_ACTION_NAMES.get((service, operation), operation)}"


def global_keys(region: str) -> Keys:
    """The global condition keys every request carries."""
    now = clock.utcnow()
    return {
        "aws:CurrentTime": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "aws:EpochTime": str(int(now.timestamp())),
        "aws:SecureTransport": True,
        "aws:RequestedRegion": region,
    }


# DynamoDB operations that carry `dynamodb:LeadingKeys` (Service Authorization
# Reference, via aws-semantics.md section 5). Scan is deliberately absent.
_LEADING_KEY_ACTIONS = {
    "GetItem",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "Query",
    "BatchGetItem",
    "BatchWriteItem",
    "ConditionCheckItem",
}


def resources_and_keys(
    response: Any, service: str, operation: str, resource: str, region: str, account_id: str
) -> Iterator[tuple[str, Keys]]:
    """Yield each (resource ARN, condition keys) pair AWS authorizes separately.

    Most requests are one pair. A batch request is authorized per table and a
    multi-object delete per object, as AWS does.
    """
    if service == "s3":
        yield from _s3(response, operation, resource)
    elif service == "dynamodb":
        yield from _dynamodb(response, operation, region, account_id)
    elif service == "apigateway":
        yield _apigateway(response, region), {}
    elif service == "lambda":
        yield _lambda(response, operation, region, account_id), {}
    elif service == "logs":
        yield _logs(response, region, account_id), {}
    else:
        yield _other(response, service, region, account_id, resource), {}


# --- S3 -------------------------------------------------------------------------


def _s3(response: Any, operation: str, resource: str) -> Iterator[tuple[str, Keys]]:
    query = parse_qs(urlparse(response.uri).query, keep_blank_values=True)
    if operation == "DeleteObject" and "delete" in query:
        bucket_arn = resource.split("/")[0]
        for key in _multi_delete_keys(response.body):
            yield f"{bucket_arn}/{key}", {}
        return
    keys: Keys = {}
    if operation in (
        "ListBucket",
        "ListObjects",
        "ListObjectsV2",
        "ListBucketVersions",
        "ListObjectVersions",
    ):
        for parameter, condition_key in (
            ("prefix", "s3:prefix"),
            ("delimiter", "s3:delimiter"),
            ("max-keys", "s3:max-keys"),
        ):
            if parameter in query:
                keys[condition_key] = query[parameter][0]
    yield resource, keys


def _multi_delete_keys(body: Any) -> list[str]:
    text = body.decode() if isinstance(body, bytes) else str(body or "")
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError:
        return []
    return [element.text or "" for element in root.iter() if element.tag.endswith("Key")]


# --- DynamoDB -----------------------------------------------------------------------


def _table_arn(region: str, account_id: str, table: str, index: str | None = None) -> str:
    arn = f"arn:aws:dynamodb:{region}:{account_id}:table/{table}"
    return f"{arn}/index/{index}" if index else arn


def _json_body(response: Any) -> dict[str, Any]:
    body = response.body
    if isinstance(body, dict):  # DynamoDB's handler has already parsed it
        return body
    if isinstance(body, bytes):
        body = body.decode()
    try:
        parsed = json.loads(body or "{}")
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _key_schema(region: str, account_id: str, table: str, index: str | None) -> list[dict[str, str]]:
    """The key schema of a table or index, or [] if it does not exist (yet)."""
    from moto.dynamodb.models import dynamodb_backends

    try:
        found = dynamodb_backends[account_id][region].get_table(table)
    except Exception:  # unknown table: AWS authorizes first, then says not found
        return []
    if index:
        for candidate in list(found.global_indexes) + list(found.indexes):
            if candidate.name == index:
                return candidate.schema
        return []
    return found.schema


def _hash_attribute(schema: list[dict[str, str]]) -> str | None:
    return next((k["AttributeName"] for k in schema if k.get("KeyType") == "HASH"), None)


def _scalar(value: Any) -> str | None:
    """The string form of a key AttributeValue ({"S": "x"} -> "x")."""
    if isinstance(value, dict) and len(value) == 1:
        inner = next(iter(value.values()))
        if isinstance(inner, (str, int, float)):
            return str(inner)
    return None


def _names_in_expression(expression: str, names: dict[str, str]) -> list[str]:
    """Top-level attribute names a projection or update expression mentions."""
    found: list[str] = []
    for token in re.findall(r"#?[A-Za-z_][A-Za-z0-9_]*", expression or ""):
        name = names.get(token, token) if token.startswith("#") else token
        if token.upper() in {
            "SET",
            "REMOVE",
            "ADD",
            "DELETE",
            "AND",
            "OR",
            "NOT",
            "IF_NOT_EXISTS",
            "LIST_APPEND",
        }:
            continue
        if name not in found:
            found.append(name)
    return found


def _query_leading_keys(body: dict[str, Any], schema: list[dict[str, str]]) -> list[str]:
    from moto.dynamodb.parsing.key_condition_expression import parse_expression

    hash_attribute = _hash_attribute(schema)
    if "KeyConditions" in body:  # the legacy parameter
        condition = body["KeyConditions"].get(hash_attribute or "", {})
        return [v for v in (_scalar(x) for x in condition.get("AttributeValueList", [])) if v is not None]
    expression = body.get("KeyConditionExpression")
    if not expression or not schema:
        return []
    try:
        hash_conditions, _, _ = parse_expression(
            expression,
            body.get("ExpressionAttributeValues", {}),
            body.get("ExpressionAttributeNames", {}),
            schema,
        )
    except Exception:  # malformed: DynamoDB itself answers ValidationException next
        return []
    return [v for v in (_scalar(value) for _, value in hash_conditions) if v is not None]


def _item_keys(operation: str, body: dict[str, Any], schema: list[dict[str, str]]) -> Keys:
    """LeadingKeys, Attributes and Select for a single-table request body."""
    keys: Keys = {}
    hash_attribute = _hash_attribute(schema)
    names = body.get("ExpressionAttributeNames", {})
    if operation in _LEADING_KEY_ACTIONS and hash_attribute:
        if operation == "Query":
            leading = _query_leading_keys(body, schema)
        else:
            source = body.get("Item") if operation == "PutItem" else body.get("Key")
            value = _scalar((source or {}).get(hash_attribute))
            leading = [value] if value is not None else []
        if leading:
            keys["dynamodb:LeadingKeys"] = leading
    attributes: list[str] = []
    if body.get("ProjectionExpression"):
        attributes = _names_in_expression(body["ProjectionExpression"], names)
    elif body.get("AttributesToGet"):
        attributes = list(body["AttributesToGet"])
    elif operation == "PutItem":
        attributes = list((body.get("Item") or {}).keys())
    elif operation == "UpdateItem" and body.get("UpdateExpression"):
        attributes = _names_in_expression(body["UpdateExpression"], names)
        attributes = [a for a in attributes if not a.startswith(":")]
    if attributes:
        keys["dynamodb:Attributes"] = attributes
    if body.get("Select"):
        keys["dynamodb:Select"] = body["Select"]
    elif body.get("ProjectionExpression") or body.get("AttributesToGet"):
        keys["dynamodb:Select"] = "SPECIFIC_ATTRIBUTES"
    for parameter, condition_key in (
        ("ReturnValues", "dynamodb:ReturnValues"),
        ("ReturnConsumedCapacity", "dynamodb:ReturnConsumedCapacity"),
    ):
        if body.get(parameter):
            keys[condition_key] = body[parameter]
    return keys


# DynamoDB's tagging actions take the table's ARN in `ResourceArn` (Service Authorization
# Reference, DynamoDB: resource type `table*`); the request names no TableName.
_DYNAMODB_TAGGING = {"ListTagsOfResource", "TagResource", "UntagResource"}


def _dynamodb(response: Any, operation: str, region: str, account_id: str) -> Iterator[tuple[str, Keys]]:
    body = _json_body(response)
    if operation in _DYNAMODB_TAGGING and isinstance(body.get("ResourceArn"), str):
        yield body["ResourceArn"], {}
        return
    if operation in ("BatchGetItem", "BatchWriteItem"):
        for table, request in (body.get("RequestItems") or {}).items():
            schema = _key_schema(region, account_id, table, None)
            hash_attribute = _hash_attribute(schema)
            if operation == "BatchGetItem":
                items = request.get("Keys", []) if isinstance(request, dict) else []
            else:
                items = [
                    (write.get("PutRequest") or {}).get("Item")
                    or (write.get("DeleteRequest") or {}).get("Key")
                    or {}
                    for write in (request if isinstance(request, list) else [])
                ]
            leading = [v for v in (_scalar(i.get(hash_attribute or "")) for i in items) if v is not None]
            yield (
                _table_arn(region, account_id, table),
                ({"dynamodb:LeadingKeys": leading} if leading else {}),
            )
        return
    table = body.get("TableName")
    if not isinstance(table, str):
        yield "*", {}
        return
    index = body.get("IndexName") if operation in ("Query", "Scan") else None
    schema = _key_schema(region, account_id, table, index)
    yield _table_arn(region, account_id, table, index), _item_keys(operation, body, schema)


# --- API Gateway's management API and Lambda -------------------------------------------


def _apigateway(response: Any, region: str) -> str:
    """`arn:aws:apigateway:{region}::{path}`: the management API's resource is the request's own
    path, `/restapis` for CreateRestApi, `/restapis/{id}/resources/{id}/methods/GET` for PutMethod
    (Service Authorization Reference; API Gateway DG security_iam_service-with-iam, whose example
    allows `arn:aws:apigateway:us-east-1::/restapis` and `.../restapis/??????????`)."""
    path = unquote(urlparse(response.uri).path) or "/"
    return f"arn:aws:apigateway:{region}::{path}"


# /2015-03-31/functions/{name}/..., /2017-03-31/tags/{arn}: the function the request names.
_LAMBDA_FUNCTION_PATH = re.compile(r"^/[0-9-]+/functions/(?P<name>[^/]+)")
_LAMBDA_TAGS_PATH = re.compile(r"^/[0-9-]+/tags/(?P<arn>[^/]+)")


def _lambda(response: Any, operation: str, region: str, account_id: str) -> str:
    """The function's ARN for the function actions (a name, a partial or a full ARN in the path;
    CreateFunction's name in its body; the tagging actions' ARN), `*` for the others, such as
    ListFunctions (Service Authorization Reference, AWS Lambda: resource type `function`)."""
    path = urlparse(response.uri).path
    tagged = _LAMBDA_TAGS_PATH.match(path)
    if tagged:
        return unquote(tagged["arn"])
    found = _LAMBDA_FUNCTION_PATH.match(path)
    name = unquote(found["name"]) if found else None
    if name is None and operation == "CreateFunction":
        named = _json_body(response).get("FunctionName")
        name = named if isinstance(named, str) else None
    if not name:
        return "*"
    if name.startswith("arn:"):
        return name
    if ":function:" in name:  # a partial ARN: {account}:function:{name}
        return f"arn:aws:lambda:{region}:{name}"
    return f"arn:aws:lambda:{region}:{account_id}:function:{name}"


# --- everything else ----------------------------------------------------------------


def _logs(response: Any, region: str, account_id: str) -> str:
    """CloudWatch Logs authorizes a log group's actions on the group's ARN, `arn:aws:logs:<region>:
    <account>:log-group:<name>` (Service Authorization Reference, "Actions, resources, and condition
    keys for Amazon CloudWatch Logs"); TagResource and ListTagsForResource name it in `resourceArn`;
    DescribeLogGroups names no group (`*`)."""
    body = _json_body(response)
    if isinstance(body.get("resourceArn"), str):
        return str(body["resourceArn"])
    if isinstance(body.get("logGroupName"), str):
        return f"arn:aws:logs:{region}:{account_id}:log-group:{body['logGroupName']}"
    return "*"


def _other(response: Any, service: str, region: str, account_id: str, resource: str) -> str:
    """The resource ARN for the admin-style calls a session might attempt."""
    if resource != "*":
        return resource
    body = _json_body(response) if service in ("cognito-idp", "cognito-identity") else {}
    if service == "cognito-idp" and isinstance(body.get("UserPoolId"), str):
        return f"arn:aws:cognito-idp:{region}:{account_id}:userpool/{body['UserPoolId']}"
    if service == "cognito-identity" and isinstance(body.get("IdentityPoolId"), str):
        return f"arn:aws:cognito-identity:{region}:{account_id}:identitypool/{body['IdentityPoolId']}"
    return resource
