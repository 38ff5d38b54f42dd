"""The identity pool, policies, access matrix and cleanup helpers, against the offline AWS.

Notebook 04's lesson is one table of who may do what; these tests pin that table (so CI breaks if
an engine or policy change moves a single ✓ or ✗), its reasons, and the notebooks' agreement with
the helpers that redo their steps. Cleanup must remove everything the course made, only that,
and be safe to run twice.
"""

from __future__ import annotations

import ast
import io
import json
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import nbformat
import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from helpers import access, cleanup, identitypool, lab, policies, quiz, storage, tokens, userpool, widgets
from helpers.lab import Lab
from helpers.offline import iam, server
from helpers.offline.iam import decisions

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"

# Notebook 04's table, row by row, in its column order.
COLUMNS = [
    "read public",
    "write own private",
    "read Bob's private",
    "list own prefix",
    "list the bucket",
    "put own item",
    "get own item",
    "query own items",
    "get Bob's item",
    "scan",
]
EXPECTED_PATTERN = {
    "guest": "✓✗✗✗✗✗✗✗✗✗",
    "Alice": "✓✓✗✓✗✓✓✓✗✗",
    "Bob": "✓✓✓✓✗✓✓✓✓✗",
}


def _key(identity_id: str, note_id: str) -> dict[str, Any]:
    return {"identity_id": {"S": identity_id}, "note_id": {"S": note_id}}


def build_course(course_lab: Lab) -> SimpleNamespace:
    """Notebook 04's state: pools, roles, policies, bucket and table, three principals, stored notes."""
    setup = identitypool.ensure_identity_pool_with_roles(course_lab)
    notes = storage.ensure_notes_storage(course_lab, setup)
    users = {name: userpool.ensure_signed_in_user(course_lab, name).user for name in ("alice", "bob")}
    pool = setup.identity_pool_id
    guest = access.Principal("guest", *identitypool.credentials_for(course_lab, pool, None))
    alice = access.Principal(
        "Alice", *identitypool.credentials_for(course_lab, pool, users["alice"].id_token)
    )
    bob = access.Principal("Bob", *identitypool.credentials_for(course_lab, pool, users["bob"].id_token))
    s3, dynamodb = course_lab.client("s3"), course_lab.client("dynamodb")
    for person in (alice, bob):
        s3.put_object(Bucket=notes.bucket, Key=f"private/{person.identity_id}/note.txt", Body=b"note")
        dynamodb.put_item(TableName=notes.table, Item=_key(person.identity_id, "welcome"))

    def operations(s3: Any, dynamodb: Any, me: str) -> dict[str, Any]:
        bucket, table = notes.bucket, notes.table
        return {
            "read public": lambda: s3.get_object(Bucket=bucket, Key=storage.WELCOME_KEY),
            "write own private": lambda: s3.put_object(
                Bucket=bucket, Key=f"private/{me}/note.txt", Body=b"x"
            ),
            "read Bob's private": lambda: s3.get_object(
                Bucket=bucket, Key=f"private/{bob.identity_id}/note.txt"
            ),
            "list own prefix": lambda: s3.list_objects_v2(Bucket=bucket, Prefix=f"private/{me}/"),
            "list the bucket": lambda: s3.list_objects_v2(Bucket=bucket),
            "put own item": lambda: dynamodb.put_item(TableName=table, Item=_key(me, "matrix")),
            "get own item": lambda: dynamodb.get_item(TableName=table, Key=_key(me, "welcome")),
            "query own items": lambda: dynamodb.query(
                TableName=table,
                KeyConditionExpression="identity_id = :me",
                ExpressionAttributeValues={":me": {"S": me}},
            ),
            "get Bob's item": lambda: dynamodb.get_item(
                TableName=table, Key=_key(bob.identity_id, "welcome")
            ),
            "scan": lambda: dynamodb.scan(TableName=table),
        }

    return SimpleNamespace(
        lab=course_lab,
        setup=setup,
        notes=notes,
        users=users,
        guest=guest,
        alice=alice,
        bob=bob,
        operations=operations,
    )


@pytest.fixture(scope="module")
def course(module_lab: Lab) -> SimpleNamespace:
    """Built once for the read-only matrix tests (signing in takes a moment)."""
    built = build_course(module_lab)
    built.matrix = access.run_matrix(built.lab, [built.guest, built.alice, built.bob], built.operations)
    return built


# --- trust and permission policies ----------------------------------------------------------------


def test_trust_policies_name_the_pool_and_how_the_user_signed_in() -> None:
    signed_in = identitypool.trust_policy("us-east-1:pool", "authenticated")
    guest = identitypool.trust_policy("us-east-1:pool", "unauthenticated")
    statement = signed_in["Statement"][0]
    assert statement["Principal"] == {"Federated": "cognito-identity.amazonaws.com"}
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Condition"] == {
        "StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:pool"},
        "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"},
    }
    guest["Statement"][0]["Condition"]["ForAnyValue:StringLike"]["cognito-identity.amazonaws.com:amr"] = (
        "authenticated"
    )
    assert guest == signed_in  # the two differ in amr only
    iam.parse_policy(signed_in, "trust")  # IAM would accept it


def test_role_policies_are_valid_and_key_everything_on_the_identity_id() -> None:
    table_arn = "arn:aws:dynamodb:us-east-1:123456789012:table/cognito-lab-notes"
    signed_in = policies.signed_in_role_policy("cognito-lab-notes", table_arn)
    guest = policies.guest_role_policy("cognito-lab-notes")
    for document in (signed_in, guest):
        iam.parse_policy(document, "identity")
    text = json.dumps(signed_in)
    assert text.count(policies.IDENTITY_ID) == 3  # private folder, list prefix, leading keys
    actions = set()
    for statement in signed_in["Statement"]:
        actions.update([statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"])
    assert "dynamodb:Scan" not in actions and "s3:DeleteObject" not in actions
    assert [s["Action"] for s in guest["Statement"]] == ["s3:GetObject"]


# --- the matrix -------------------------------------------------------------------------------------


def test_matrix_has_exactly_the_lessons_allow_and_deny_pattern(course: SimpleNamespace) -> None:
    assert course.matrix.operations == COLUMNS
    assert course.matrix.pattern() == EXPECTED_PATTERN
    assert course.matrix.roles == {
        "guest": "cognito-lab-guest-role",
        "Alice": "cognito-lab-signed-in-role",
        "Bob": "cognito-lab-signed-in-role",
    }


def test_denials_carry_each_services_own_error_code(course: SimpleNamespace) -> None:
    for outcome in course.matrix.outcomes.values():
        if outcome.allowed:
            assert outcome.code is None
        elif outcome.operation in COLUMNS[:5]:
            assert outcome.code == "AccessDenied"
            assert "is not authorized to perform: s3:" in outcome.message
        else:
            assert outcome.code == "AccessDeniedException"
            assert "is not authorized to perform: dynamodb:" in outcome.message


def test_reasons_name_the_statement_or_what_it_needed(course: SimpleNamespace) -> None:
    def reason(principal: str, operation: str) -> str:
        return course.matrix.outcome(principal, operation).reason

    assert (
        reason("guest", "read public")
        == "allowed by 'ReadPublic' and the guest scope-down (its unpublished inline part)"
    )
    assert reason("Alice", "read public") == "allowed by 'ReadPublic'"
    assert (
        reason("Alice", "read Bob's private")
        == "'OwnPrivateObjects' allows only private/<Alice's identity id>/*"
    )
    assert reason("Bob", "read Bob's private") == "allowed by 'OwnPrivateObjects'"
    assert reason("Alice", "list the bucket") == (
        "'ListOwnPrefixAndPublic' needs s3:prefix like [private/<Alice's identity id>/*, public/*]; "
        "the request has none"
    )
    assert reason("Alice", "get Bob's item") == (
        "'OwnItems' needs dynamodb:LeadingKeys = <Alice's identity id>; the request has <Bob's identity id>"
    )
    assert reason("Alice", "scan") == "no statement allows dynamodb:Scan on table/cognito-lab-notes"
    assert reason("guest", "write own private") == (
        "no statement allows s3:PutObject on private/<guest's identity id>/note.txt"
    )


def test_printout_names_identity_ids_and_is_the_same_every_run(
    course: SimpleNamespace, capsys: pytest.CaptureFixture[str]
) -> None:
    everyone = [course.guest, course.alice, course.bob]
    course.matrix.print()
    first = capsys.readouterr().out
    access.run_matrix(course.lab, everyone, course.operations).print()
    assert capsys.readouterr().out == first
    assert not any(person.identity_id in first for person in everyone)
    assert "<Bob's identity id>" in first
    header, _, rule, guest_row = first.splitlines()[:4]
    assert header.startswith("|       | read   | write own | read Bob's |")
    assert rule.startswith("|-------|--------|")
    assert guest_row == (
        "| guest | ✓      | ✗         | ✗          | ✗        | ✗        "
        "| ✗       | ✗       | ✗         | ✗         | ✗    |"
    )


def test_explain_shows_aws_message_then_every_closest_statement(
    course: SimpleNamespace, capsys: pytest.CaptureFixture[str]
) -> None:
    course.matrix.explain("Alice", "read Bob's private")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Alice, read Bob's private: denied"
    assert lines[1].startswith("AWS said: AccessDenied: User: arn:aws:sts::123456789012:assumed-role/")
    assert any("'OwnPrivateObjects'" in line and "<Alice's identity id>/*" in line for line in lines)


def test_the_classic_mistake_is_refused_and_explained(
    course: SimpleNamespace, capsys: pytest.CaptureFixture[str]
) -> None:
    sub = tokens.claims(course.users["alice"].id_token)["sub"]
    assert sub != course.alice.identity_id
    alice_s3 = course.lab.client_for(course.alice.credentials, "s3")
    with pytest.raises(ClientError) as raised:
        alice_s3.put_object(Bucket=course.notes.bucket, Key=f"private/{sub}/note.txt", Body=b"x")
    assert raised.value.response["Error"]["Code"] == "AccessDenied"
    access.why(course.lab, course.alice)
    explained = capsys.readouterr().out
    assert f"private/{sub}/note.txt" in explained
    assert "'OwnPrivateObjects'" in explained and "<Alice's identity id>/*" in explained


# --- short reasons from any decision ----------------------------------------------------------


def _explained(
    policies_: list[dict[str, Any]], session: list[dict[str, Any]] | None = None
) -> decisions.DecisionRecord:
    request = iam.Request("s3:GetObject", "arn:aws:s3:::b/k", {})
    named = [iam.NamedPolicy(f"p{i}", p) for i, p in enumerate(policies_)]
    session_named = None if session is None else [iam.NamedPolicy("s", p) for p in session]
    return decisions.record_of(iam.evaluate(named, request, session_named))


ALLOW_ALL = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "All", "Effect": "Allow", "Action": "*", "Resource": "*"}],
}


def test_short_reason_of_an_explicit_deny_names_the_deny() -> None:
    deny = {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "No", "Effect": "Deny", "Action": "s3:*", "Resource": "*"}],
    }
    assert access.short_reason(_explained([ALLOW_ALL, deny])) == "denied by 'No'"


def test_short_reason_when_only_the_session_policy_refuses() -> None:
    nothing = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}],
    }
    assert access.short_reason(_explained([ALLOW_ALL], [nothing])) == (
        "no session policy allows s3:GetObject on k"
    )


def test_real_aws_reason_comes_from_aws_message() -> None:
    message = (
        "User: arn:aws:sts::1:assumed-role/r/s is not authorized to perform: s3:GetObject on resource: "
        '"arn:aws:s3:::b/k" because no identity-based policy allows the s3:GetObject action'
    )
    assert access._aws_reason(message) == "because no identity-based policy allows the s3:GetObject action"


# --- identity pool helpers ------------------------------------------------------------------------


def test_credentials_for_signed_in_users_keep_their_id_guests_get_new_ones(offline: Lab) -> None:
    setup = identitypool.ensure_identity_pool_with_roles(offline)
    alice = userpool.ensure_signed_in_user(offline, "alice").user
    first, credentials = identitypool.credentials_for(offline, setup.identity_pool_id, alice.id_token)
    again, _ = identitypool.credentials_for(offline, setup.identity_pool_id, alice.id_token)
    guest, _ = identitypool.credentials_for(offline, setup.identity_pool_id, None)
    other_guest, guest_credentials = identitypool.credentials_for(offline, setup.identity_pool_id, None)
    assert first == again and guest != other_guest
    sts = offline.client_for(credentials, "sts")
    assert sts.get_caller_identity()["Arn"] == (
        "arn:aws:sts::123456789012:assumed-role/cognito-lab-signed-in-role/CognitoIdentityCredentials"
    )
    guest_arn = offline.client_for(guest_credentials, "sts").get_caller_identity()["Arn"]
    assert guest_arn.endswith(":assumed-role/cognito-lab-guest-role/CognitoIdentityCredentials")


def test_ensure_finds_then_repairs_roles_for_a_pool_made_again(
    offline: Lab, capsys: pytest.CaptureFixture[str]
) -> None:
    first = identitypool.ensure_identity_pool_with_roles(offline)
    again = identitypool.ensure_identity_pool_with_roles(offline)
    assert again == first
    assert "identity pool cognito-lab-identities (found)" in capsys.readouterr().out
    offline.client("cognito-identity").delete_identity_pool(IdentityPoolId=first.identity_pool_id)
    remade = identitypool.ensure_identity_pool_with_roles(offline)
    assert remade.identity_pool_id != first.identity_pool_id
    assert "(updated)" in capsys.readouterr().out  # the roles now trust the new pool
    alice = userpool.ensure_signed_in_user(offline, "alice").user
    identitypool.credentials_for(offline, remade.identity_pool_id, alice.id_token)


def test_ensure_keeps_role_mappings_set_elsewhere(offline: Lab) -> None:
    setup = identitypool.ensure_identity_pool_with_roles(offline)
    identity = offline.client("cognito-identity")
    provider = f"{identitypool.provider_name(offline, setup.user_pool_id)}:{setup.client_id}"
    mappings = {provider: {"Type": "Token", "AmbiguousRoleResolution": "AuthenticatedRole"}}
    identity.set_identity_pool_roles(
        IdentityPoolId=setup.identity_pool_id,
        Roles={"authenticated": setup.guest_role_arn},
        RoleMappings=mappings,
    )
    identitypool.ensure_identity_pool_with_roles(offline)
    roles = identity.get_identity_pool_roles(IdentityPoolId=setup.identity_pool_id)
    assert roles["Roles"]["authenticated"] == setup.signed_in_role_arn
    assert roles["RoleMappings"] == mappings


# --- the notebooks and the helpers that redo their steps ------------------------------------------


def _call_keywords(notebook: str, method: str) -> dict[str, Any]:
    """The keyword arguments of the notebook's `<client>.<method>(...)` call: literals, or ... otherwise."""
    cells = nbformat.read(NOTEBOOKS / notebook, as_version=4).cells
    for cell in (c for c in cells if c.cell_type == "code"):
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == method:
                found = {}
                for keyword in node.keywords:
                    try:
                        found[keyword.arg] = ast.literal_eval(keyword.value)
                    except ValueError:
                        found[keyword.arg] = ...
                return found
    raise AssertionError(f"no {method} call in {notebook}")


def _agrees(shown: dict[str, Any], request: dict[str, Any]) -> None:
    assert set(shown) == set(request)
    literal = {name: value for name, value in shown.items() if value is not ...}
    assert literal == {name: request[name] for name in literal}


def test_notebook_01_creates_the_pool_and_client_that_later_notebooks_ensure() -> None:
    """ensure_signed_in_user redoes 01's steps for later notebooks: the settings must be the same."""
    # The name and tags come from variables in the notebook, so any stand-in lab will do here.
    stand_in = SimpleNamespace(name=lambda base: base, tags={})
    for method, request in (
        ("create_user_pool", userpool.pool_request(stand_in)),  # type: ignore[arg-type]
        ("create_user_pool_client", userpool.client_request("pool-id")),
    ):
        shown = _call_keywords("01_user_pool.ipynb", method)
        _agrees(shown, request)
        literal = {name: value for name, value in shown.items() if value is not ...}
        assert len(literal) >= len(request) - 2  # only names, ids and tags come from variables


def test_notebook_03_creates_the_identity_pool_that_later_notebooks_ensure() -> None:
    shown = _call_keywords("03_identity_pool.ipynb", "create_identity_pool")
    stand_in = SimpleNamespace(
        name=lambda base: base, tags={}, region="us-east-1"
    )  # names come from variables
    _agrees(shown, identitypool.pool_request(stand_in, "pool", "client"))  # type: ignore[arg-type]
    assert (shown["AllowUnauthenticatedIdentities"], shown["AllowClassicFlow"]) == (True, False)


def test_notebook_04_creates_the_table_and_policies_that_later_notebooks_ensure() -> None:
    shown = _call_keywords("04_side_by_side.ipynb", "create_table")
    _agrees(shown, storage.table_request(SimpleNamespace(name=lambda base: base, tag_list=list)))  # type: ignore[arg-type]
    assert shown["KeySchema"][0] == {"AttributeName": "identity_id", "KeyType": "HASH"}
    assert (
        _call_keywords("04_side_by_side.ipynb", "put_role_policy")["PolicyName"] == policies.ROLE_POLICY_NAME
    )


# --- cleanup --------------------------------------------------------------------------------------


def _names(found: list[cleanup.Resource]) -> list[tuple[str, str]]:
    return [(resource.kind, resource.name) for resource in found]


def test_cleanup_removes_everything_the_course_made_and_runs_twice(
    offline: Lab, capsys: pytest.CaptureFixture[str]
) -> None:
    build_course(offline)
    removed = cleanup.remove_course_resources(offline)
    assert _names(removed) == [
        ("identity pool", "cognito-lab-identities"),
        ("user pool", "cognito-lab-users"),
        ("IAM role", "cognito-lab-guest-role"),
        ("IAM role", "cognito-lab-signed-in-role"),
        ("S3 bucket", "cognito-lab-notes"),
        ("table", "cognito-lab-notes"),
    ]
    assert cleanup.find_course_resources(offline) == []
    assert offline.client("s3").list_buckets()["Buckets"] == []
    assert offline.client("iam").list_roles()["Roles"] == []
    assert offline.client("dynamodb").list_tables()["TableNames"] == []
    capsys.readouterr()
    assert cleanup.remove_course_resources(offline) == []
    assert capsys.readouterr().out.startswith("Nothing to remove")


def test_cleanup_empties_a_versioned_bucket(offline: Lab) -> None:
    s3 = offline.client("s3")
    bucket = offline.bucket_name("versions")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": offline.tag_list()})
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    for body in (b"one", b"two"):
        s3.put_object(Bucket=bucket, Key="note.txt", Body=body)
    s3.delete_object(Bucket=bucket, Key="note.txt")  # leaves a delete marker over two versions
    assert _names(cleanup.remove_course_resources(offline)) == [("S3 bucket", bucket)]
    assert offline.find_bucket(bucket) is None


def test_cleanup_leaves_what_lacks_the_prefix_or_the_tags(offline: Lab) -> None:
    iam_client, s3 = offline.client("iam"), offline.client("s3")
    trust = json.dumps(identitypool.trust_policy("us-east-1:x", "authenticated"))
    iam_client.create_role(RoleName="cognito-lab-untagged", AssumeRolePolicyDocument=trust)
    other_learner = [{"Key": "course", "Value": lab.COURSE}, {"Key": "learner", "Value": "someone-else"}]
    iam_client.create_role(RoleName="cognito-lab-theirs", AssumeRolePolicyDocument=trust, Tags=other_learner)
    s3.create_bucket(Bucket="not-the-course")
    s3.put_bucket_tagging(Bucket="not-the-course", Tagging={"TagSet": offline.tag_list()})
    s3.create_bucket(Bucket="cognito-lab-untagged")
    assert cleanup.remove_course_resources(offline) == []
    assert {r["RoleName"] for r in iam_client.list_roles()["Roles"]} == {
        "cognito-lab-untagged",
        "cognito-lab-theirs",
    }
    assert {b["Name"] for b in s3.list_buckets()["Buckets"]} == {"not-the-course", "cognito-lab-untagged"}


def test_cleanup_removes_the_courses_apis_and_functions_and_leaves_others(offline: Lab) -> None:
    """REST APIs and Lambda functions are the course's by prefix and tags, like everything else; a
    function's execution role is an IAM role like the others."""
    apigateway, lam, iam_client = (
        offline.client("apigateway"),
        offline.client("lambda"),
        offline.client("iam"),
    )
    for name, tags in (
        ("cognito-lab-notes-api", offline.tags),
        ("cognito-lab-untagged-api", {}),
        ("theirs", offline.tags),
    ):
        apigateway.create_rest_api(name=name, tags=tags)
    role = iam_client.create_role(
        RoleName="cognito-lab-notes-function-role",
        AssumeRolePolicyDocument=json.dumps(policies.function_trust()),
        Tags=offline.tag_list(),
    )["Role"]["Arn"]
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("notes.py", "def handler(event, context):\n    return 1\n")
    for name, tags in (("cognito-lab-notes-function", offline.tags), ("cognito-lab-untagged", {})):
        lam.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=role,
            Handler="notes.handler",
            Code={"ZipFile": package.getvalue()},
            Tags=tags,
        )
    assert _names(cleanup.remove_course_resources(offline)) == [
        ("REST API", "cognito-lab-notes-api"),
        ("Lambda function", "cognito-lab-notes-function"),
        ("IAM role", "cognito-lab-notes-function-role"),
    ]
    assert {api["name"] for api in apigateway.get_rest_apis()["items"]} == {
        "cognito-lab-untagged-api",
        "theirs",
    }
    assert [f["FunctionName"] for f in lam.list_functions()["Functions"]] == ["cognito-lab-untagged"]
    assert {(r.kind, r.name) for r in cleanup.find_leftovers(offline)} == {
        ("REST API", "cognito-lab-untagged-api"),
        ("REST API", "theirs"),
        ("Lambda function", "cognito-lab-untagged"),
    }


# --- an API's invoke URL as a column of the table ----------------------------------------------------


def test_an_api_column_is_allowed_or_refused_with_the_authorizers_or_iams_reason(offline: Lab) -> None:
    """A call that returns an HTTP response is a column like any other: 2xx allowed; a refusal's
    reason from the invocation log when an authorizer decided, from IAM's decision record when IAM
    did (a signed request); ids named by `aliases`; the grid's story says what was asked."""
    setup = identitypool.ensure_identity_pool_with_roles(offline)
    user = userpool.ensure_signed_in_user(offline, "alice").user
    pool = setup.identity_pool_id
    guest = access.Principal("guest", *identitypool.credentials_for(offline, pool, None))
    tokens_of_alice = {"id": user.id_token, "access": user.access_token}
    alice = access.Principal(
        "Alice", *identitypool.credentials_for(offline, pool, user.id_token), tokens_of_alice
    )
    apigateway = offline.client("apigateway")
    api_id = apigateway.create_rest_api(name=offline.name("columns"))["id"]
    root = apigateway.get_resources(restApiId=api_id)["items"][0]["id"]
    authorizer = apigateway.create_authorizer(
        restApiId=api_id,
        name="users",
        type="COGNITO_USER_POOLS",
        providerARNs=[
            f"arn:aws:cognito-idp:{offline.region}:{offline.account_id}:userpool/{setup.user_pool_id}"
        ],
        identitySource="method.request.header.Authorization",
    )["id"]
    for part, kind in (("notes", "COGNITO_USER_POOLS"), ("signed", "AWS_IAM")):
        where = {
            "restApiId": api_id,
            "resourceId": apigateway.create_resource(restApiId=api_id, parentId=root, pathPart=part)["id"],
            "httpMethod": "GET",
        }
        extra = {"authorizerId": authorizer} if kind == "COGNITO_USER_POOLS" else {}
        apigateway.put_method(**where, authorizationType=kind, **extra)
        apigateway.put_integration(
            **where, type="MOCK", requestTemplates={"application/json": '{"statusCode": 200}'}
        )
        apigateway.put_integration_response(
            **where, statusCode="200", responseTemplates={"application/json": "{}"}
        )
    apigateway.create_deployment(restApiId=api_id, stageName="prod")
    invoke = f"arn:aws:execute-api:{offline.region}:{offline.account_id}:{api_id}/prod/GET/signed"
    statement = {"Sid": "InvokeSigned", "Effect": "Allow", "Action": "execute-api:Invoke", "Resource": invoke}
    offline.client("iam").put_role_policy(
        RoleName=setup.signed_in_role_name,
        PolicyName="invoke",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [statement]}),
    )

    def get(path: str, headers: dict[str, str]) -> requests.Response:
        url, routing = offline.invoke_url(api_id, f"/prod{path}")
        return requests.get(url, headers={**routing, **headers}, timeout=30)

    def signed(path: str, credentials: dict[str, Any]) -> dict[str, str]:
        request = AWSRequest(
            method="GET", url=f"https://{api_id}.execute-api.{offline.region}.amazonaws.com/prod{path}"
        )
        key = Credentials(credentials["AccessKeyId"], credentials["SecretKey"], credentials["SessionToken"])
        SigV4Auth(key, "execute-api", offline.region).add_auth(request)
        return dict(request.headers)

    def calls(person: access.Principal) -> dict[str, Any]:
        token = {"Authorization": person.tokens["id"]} if "id" in person.tokens else {}
        return {
            "token": lambda: get("/notes", token),
            "signed": lambda: get("/signed", signed("/signed", dict(person.credentials))),
        }

    matrix = access.run_calls(offline, [guest, alice], calls, aliases={api_id: "<api>"})
    assert matrix.pattern() == {"guest": "✗✗", "Alice": "✓✓"}
    refused = matrix.outcome("guest", "token")
    assert (refused.status, refused.code, refused.message) == (401, "UnauthorizedException", "Unauthorized")
    assert refused.reason == (
        "the Cognito authorizer refused: no token in the identity source method.request.header.Authorization"
    )
    assert refused.decision is None and refused.invocation is not None
    by_iam = matrix.outcome("guest", "signed")
    assert (by_iam.status, by_iam.code) == (403, "AccessDeniedException")
    assert by_iam.decision is not None and by_iam.decision.action == "execute-api:Invoke"
    assert by_iam.reason == "no statement allows execute-api:Invoke on <api>/prod/GET/signed"
    assert "<api>" in (by_iam.message or "") and api_id not in (by_iam.message or "")
    assert matrix.outcome("Alice", "signed").reason == "allowed by 'InvokeSigned'"
    assert matrix.outcome("Alice", "token").reason.startswith(
        f"allowed by the Cognito authorizer: a valid id token of user pool {setup.user_pool_id}"
    )
    story = widgets.cell_story(matrix, "guest", "token")
    assert story.request.endswith("asked for GET /prod/notes of API <api>.")
    assert story.aws_said == "AWS answered: HTTP 401 UnauthorizedException: Unauthorized"
    assert story.explanation.startswith("API Gateway: GET /prod/notes -> stage prod, GET /notes: 401")
    assert widgets.cell_story(matrix, "Alice", "token").aws_said.startswith("AWS answered: HTTP 200 OK")


# --- the local endpoint ------------------------------------------------------------------------------


def test_the_endpoint_explains_the_same_way(course: SimpleNamespace, monkeypatch: pytest.MonkeyPatch) -> None:
    """At a local endpoint the reasons come from GET /_lab/decisions: the same table, word for word."""
    lab.stop_offline()
    endpoint = server.serve()
    try:
        monkeypatch.setenv(lab.ENV_ENDPOINT, endpoint.url)
        local = Lab("test_endpoint")
        assert local.backend == lab.ENDPOINT
        built = build_course(local)
        matrix = access.run_matrix(local, [built.guest, built.alice, built.bob], built.operations)
        assert matrix.pattern() == EXPECTED_PATTERN
        assert [o.reason for o in matrix.outcomes.values()] == [
            o.reason for o in course.matrix.outcomes.values()
        ]
    finally:
        endpoint.stop()


# --- quiz ---------------------------------------------------------------------------------------


def test_quiz_says_right_or_why_not(capsys: pytest.CaptureFixture[str]) -> None:
    right = {question.key: question.expected for question in quiz.RECAP}
    assert quiz.check(right) == len(quiz.RECAP)
    answers = {**right, "q1_token_in_logins": " ACCESS ", "q3_scan_keeps_alice_to_her_items": 0}
    del answers["q5_pool_charged_per_monthly_active_user"]
    capsys.readouterr()
    assert quiz.check(answers) == 2
    out = capsys.readouterr().out
    assert "✗ q1_token_in_logins: not quite (' ACCESS ')." in out
    assert "✗ q3_scan_keeps_alice_to_her_items" in out  # 0 is not False
    assert "? q5_pool_charged_per_monthly_active_user: no answer yet" in out
    assert quiz.check({**right, "q2_policy_variable": "Identity ID"}) == len(quiz.RECAP)
    capsys.readouterr()
    # Notebook 05's cell starts with every answer None: nothing right, nothing given away.
    assert quiz.check(dict.fromkeys(right)) == 0
    out = capsys.readouterr().out
    assert out.count(": no answer yet") == len(quiz.RECAP)
    assert all(question.why not in out for question in quiz.RECAP)


# --- the guest scope-down: which half is published ----------------------------------------------

# AmazonCognitoUnAuthedIdentitiesSessionPolicy as AWS publishes it: AWS Managed Policy Reference,
# version v4 (default since 2026-05-01); the same document is in zoph-io/IAMTrail
# policies/AmazonCognitoUnAuthedIdentitiesSessionPolicy (VersionId v4).
PUBLISHED_V4 = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "CognitoUnAuthedIdentitiesSessionPolicy",
            "Effect": "Allow",
            "Action": [
                "rum:PutRumEvents",
                "sagemaker:InvokeEndpoint",
                "polly:*",
                "comprehend:*",
                "translate:*",
                "transcribe:*",
                "rekognition:*",
                "mobiletargeting:*",
                "firehose:*",
                "personalize:*",
                "geo:GetMap*",
                "geo:ListMaps",
                "geo:SearchPlaceIndex*",
                "geo:GetPlace",
                "geo:CalculateRoute*",
                "geo:*Geofence",
                "geo:*Geofences",
                "geo:*DevicePosition*",
                "kms:Encrypt",
                "kms:Decrypt",
                "kms:ReEncryptTo",
                "kms:ReEncryptFrom",
                "kms:GenerateDataKey",
                "kms:GenerateDataKeyPair",
                "kms:GenerateDataKeyPairWithoutPlaintext",
                "kms:GenerateDataKeyWithoutPlaintext",
            ],
            "Resource": "*",
        }
    ],
}


def test_the_managed_half_of_the_guest_scope_down_is_the_published_policy() -> None:
    """Notebook 03 prints it as AWS's own: it must be, word for word, and it has no S3 or DynamoDB."""
    scope_down = policies.guest_scope_down()
    assert set(scope_down) == {policies.GUEST_MANAGED_SCOPE_DOWN, policies.GUEST_INLINE_SCOPE_DOWN}
    managed = scope_down[policies.GUEST_MANAGED_SCOPE_DOWN]
    assert managed == PUBLISHED_V4
    assert not [a for a in managed["Statement"][0]["Action"] if a.split(":")[0] in ("s3", "dynamodb")]


def test_every_scope_down_policy_has_a_label_saying_whether_it_is_published() -> None:
    assert set(access._SCOPE_DOWN_POLICIES) == set(policies.guest_scope_down())
    assert "unpublished" in access._SCOPE_DOWN_POLICIES[policies.GUEST_INLINE_SCOPE_DOWN]
    assert "published" in access._SCOPE_DOWN_POLICIES[policies.GUEST_MANAGED_SCOPE_DOWN]
