"""Find everything the course created and remove it; report anything left over.

A resource is the course's only if BOTH its name starts with the lab's prefix (`cognito-lab-`, or
`cognito-lab-<learner>-` on real AWS) AND its tags say `course=cognito-pools-lab` and this
learner. Either alone is not enough on a real account: a name can be chosen by anyone, and tags
can be copied. (An IAM OIDC provider has no name, only its issuer URL: tags alone decide.)
Because both are read from AWS, not from the notebook's memory, a cleanup after a crash or a
lost kernel finds the same things. Removing is idempotent: a second run finds nothing and says
so; a resource that disappears meanwhile (another cleanup) counts as gone.

`audit` looks wider: anything with the prefix OR the course's tags. What it lists that `remove`
did not take (e.g. a bucket created just before a crash, before its tags were put) is for a
person to look at; that is why the command exits 1.

Order matters: identity pools first (they point at the user pool and the roles), then what lives
in a user pool but is worth seeing by name (its domain, identity providers and resource servers:
they have no tags of their own, so they are the course's when their user pool is; the domain must go
first, Cognito refuses to delete a pool that has one), then user pools (users, groups and app
clients go with the pool), API Gateway REST APIs (their stages, authorizers and methods go with
them), Lambda functions (their permissions go with them) and their log groups, roles (inline
policies deleted, attached ones detached first: IAM refuses to delete a role that has any; a
function's execution role is one of them), the course's own managed policies, IAM OIDC providers,
buckets (every object version and delete marker first: S3 refuses to delete a bucket that isn't
empty), tables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from botocore.exceptions import ClientError

from helpers import retry, show
from helpers.lab import COURSE, NAME_PREFIX, Lab

(
    IDENTITY_POOL,
    DOMAIN,
    IDP,
    RESOURCE_SERVER,
    USER_POOL,
    REST_API,
    FUNCTION,
    LOG_GROUP,
    ROLE,
    POLICY,
    OIDC_PROVIDER,
    BUCKET,
    TABLE,
) = (
    "identity pool",
    "user pool domain",
    "identity provider",
    "resource server",
    "user pool",
    "REST API",
    "Lambda function",
    "log group",
    "IAM role",
    "IAM policy",
    "IAM OIDC provider",
    "S3 bucket",
    "table",
)
# Where Lambda writes a function's log: the log group /aws/lambda/<function name>.
LAMBDA_LOGS = "/aws/lambda/"
# What AWS answers when the thing is already gone.
_GONE = {"ResourceNotFoundException", "NotFoundException", "NoSuchEntity", "NoSuchBucket", "404"}


@dataclass(frozen=True)
class Resource:
    """One resource the course made: what kind, its name, and the id the delete call takes.

    `pool` is the user pool's name for what lives inside one (a domain, an identity provider, a
    resource server): whose prefix and tags decide, and `pool_id` is the pool the delete call names.
    """

    kind: str
    name: str
    id: str
    pool: str = ""
    pool_id: str = ""

    @property
    def owner(self) -> str:
        """The name the course's prefix must start: its own, its user pool's, or (a function's log
        group, `/aws/lambda/<function>`) its function's."""
        return self.pool or self.name.removeprefix(LAMBDA_LOGS)


@dataclass(frozen=True)
class _Scope:
    """Whose resources: one learner's (the lab's), or every learner's (an instructor's sweep)."""

    prefix: str
    learner: str | None

    def named(self, name: str) -> bool:
        return name.startswith(self.prefix)

    def tagged(self, tags: dict[str, str]) -> bool:
        return tags.get("course") == COURSE and self.learner in (None, tags.get("learner"))


def _scope(lab: Lab, all_learners: bool) -> _Scope:
    return _Scope(f"{NAME_PREFIX}-", None) if all_learners else _Scope(f"{lab.prefix}-", lab.learner)


def _tag_dict(tag_list: list[dict[str, str]]) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in tag_list}


# Each finder yields (resource, tags) for candidates: every resource when `everything` (audit),
# otherwise only those with the prefix, so a cleanup reads tags only for what may be the course's.
Candidates = Iterator[tuple[Resource, dict[str, str]]]


def _identity_pools(lab: Lab, scope: _Scope, everything: bool) -> Candidates:
    identity = lab.client("cognito-identity")
    kwargs: dict[str, Any] = {"MaxResults": 60}
    while True:
        page = identity.list_identity_pools(**kwargs)
        for pool in page["IdentityPools"]:
            name, pool_id = pool["IdentityPoolName"], pool["IdentityPoolId"]
            if everything or scope.named(name):
                tags = _tags(partial(_identity_pool_tags, identity, pool_id))
                if tags is not None:
                    yield Resource(IDENTITY_POOL, name, pool_id), tags
        if not page.get("NextToken"):
            return
        kwargs["NextToken"] = page["NextToken"]


def _user_pools(lab: Lab, scope: _Scope, everything: bool) -> Candidates:
    idp = lab.client("cognito-idp")
    for page in idp.get_paginator("list_user_pools").paginate(MaxResults=60):
        for pool in page["UserPools"]:
            if everything or scope.named(pool["Name"]):
                tags = _tags(partial(_user_pool_tags, idp, pool["Id"]))
                if tags is not None:
                    yield Resource(USER_POOL, pool["Name"], pool["Id"]), tags


def _user_pool_parts(lab: Lab, scope: _Scope, everything: bool) -> Candidates:
    """A user pool's domain, identity providers and resource servers, with the pool's tags."""
    idp = lab.client("cognito-idp")
    for page in idp.get_paginator("list_user_pools").paginate(MaxResults=60):
        for pool in page["UserPools"]:
            if everything or scope.named(pool["Name"]):
                try:
                    yield from _parts_of(idp, pool["Id"], pool["Name"])
                except ClientError as error:  # the pool went between listing and reading
                    if error.response["Error"]["Code"] not in _GONE:
                        raise


def _parts_of(idp: Any, pool_id: str, pool_name: str) -> Candidates:
    described = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    tags = described.get("UserPoolTags", {})
    for domain in sorted({described.get("Domain"), described.get("CustomDomain")} - {None}):
        yield Resource(DOMAIN, domain, domain, pool_name, pool_id), tags
    for page in idp.get_paginator("list_identity_providers").paginate(UserPoolId=pool_id):
        for provider in page["Providers"]:
            name = provider["ProviderName"]
            yield Resource(IDP, name, name, pool_name, pool_id), tags
    for page in idp.get_paginator("list_resource_servers").paginate(UserPoolId=pool_id, MaxResults=50):
        for server in page["ResourceServers"]:
            identifier = server["Identifier"]
            yield Resource(RESOURCE_SERVER, identifier, identifier, pool_name, pool_id), tags


def _rest_apis(lab: Lab, scope: _Scope, everything: bool) -> Candidates:
    # GetRestApis answers each API with its tags: nothing more to read.
    for page in lab.client("apigateway").get_paginator("get_rest_apis").paginate():
        for api in page["items"]:
            if everything or scope.named(api["name"]):
                yield Resource(REST_API, api["name"], api["id"]), dict(api.get("tags") or {})


def _functions(lab: Lab, scope: _Scope, everything: bool) -> Candidates:
    lam = lab.client("lambda")
    for page in lam.get_paginator("list_functions").paginate():
        for function in page["Functions"]:
            name = function["FunctionName"]
            if everything or scope.named(name):
                tags = _tags(partial(_function_tags, lam, function["FunctionArn"]))
                if tags is not None:
                    yield Resource(FUNCTION, name, name), tags


def _function_tags(lam: Any, arn: str) -> dict[str, str]:
    return dict(lam.list_tags(Resource=arn).get("Tags", {}))


def _log_groups(lab: Lab, scope: _Scope, everything: bool) -> Candidates:
    # A function's log group, made by the notebook with tags (Lambda would make it without any).
    logs = lab.client("logs")
    prefix = {} if everything else {"logGroupNamePrefix": f"{LAMBDA_LOGS}{scope.prefix}"}
    for page in logs.get_paginator("describe_log_groups").paginate(**prefix):
        for group in page["logGroups"]:
            tags = _tags(partial(_log_group_tags, logs, group["arn"].removesuffix(":*")))
            if tags is not None:
                yield Resource(LOG_GROUP, group["logGroupName"], group["logGroupName"]), tags


def _log_group_tags(logs: Any, arn: str) -> dict[str, str]:
    return dict(logs.list_tags_for_resource(resourceArn=arn).get("tags", {}))


def _roles(lab: Lab, scope: _Scope, everything: bool) -> Candidates:
    iam = lab.client("iam")
    for page in iam.get_paginator("list_roles").paginate():
        for role in page["Roles"]:
            name = role["RoleName"]
            if (everything and not role["Path"].startswith("/aws-service-role/")) or scope.named(name):
                tags = _tags(partial(_role_tags, iam, name))
                if tags is not None:
                    yield Resource(ROLE, name, name), tags


def _policies(lab: Lab, scope: _Scope, everything: bool) -> Candidates:
    iam = lab.client("iam")
    for page in iam.get_paginator("list_policies").paginate(Scope="Local"):
        for policy in page["Policies"]:
            if everything or scope.named(policy["PolicyName"]):
                arn = policy["Arn"]
                tags = _tags(partial(_policy_tags, iam, arn))
                if tags is not None:
                    yield Resource(POLICY, policy["PolicyName"], arn), tags


def _oidc_providers(lab: Lab, scope: _Scope, everything: bool) -> Candidates:
    iam = lab.client("iam")
    for provider in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]:
        arn = provider["Arn"]
        tags = _tags(partial(_oidc_provider_tags, iam, arn))
        # No name to carry the prefix: the URL is the issuer's. The tags decide.
        if tags is not None:
            yield Resource(OIDC_PROVIDER, arn.split(":oidc-provider/", 1)[-1], arn), tags


def _buckets(lab: Lab, scope: _Scope, everything: bool) -> Candidates:
    s3 = lab.client("s3")
    for bucket in s3.list_buckets()["Buckets"]:
        name = bucket["Name"]
        if not (everything or scope.named(name)):
            continue
        try:
            tags = _tag_dict(s3.get_bucket_tagging(Bucket=name)["TagSet"])
        except ClientError as error:
            if error.response["Error"]["Code"] not in ("NoSuchTagSet", *_GONE):
                raise
            tags = {}
        yield Resource(BUCKET, name, name), tags


def _tables(lab: Lab, scope: _Scope, everything: bool) -> Candidates:
    dynamodb = lab.client("dynamodb")
    for page in dynamodb.get_paginator("list_tables").paginate():
        for name in page["TableNames"]:
            if everything or scope.named(name):
                tags = _tags(partial(_table_tags, dynamodb, name))
                if tags is not None:
                    yield Resource(TABLE, name, name), tags


def _table_tags(dynamodb: Any, name: str) -> dict[str, str]:
    arn = dynamodb.describe_table(TableName=name)["Table"]["TableArn"]
    return _tag_dict(dynamodb.list_tags_of_resource(ResourceArn=arn).get("Tags", []))


_FINDERS: tuple[Callable[[Lab, _Scope, bool], Candidates], ...] = (
    _identity_pools,
    _user_pool_parts,
    _user_pools,
    _rest_apis,
    _functions,
    _log_groups,
    _roles,
    _policies,
    _oidc_providers,
    _buckets,
    _tables,
)


def _found(
    lab: Lab, scope: _Scope, keep: Callable[[Resource, dict[str, str]], bool], everything: bool
) -> list[Resource]:
    found: list[Resource] = []
    for finder in _FINDERS:
        candidates = [resource for resource, tags in finder(lab, scope, everything) if keep(resource, tags)]
        found += sorted(candidates, key=lambda resource: (resource.owner, resource.kind, resource.name))
    return found


def _identity_pool_tags(identity: Any, pool_id: str) -> dict[str, str]:
    return identity.describe_identity_pool(IdentityPoolId=pool_id).get("IdentityPoolTags", {})


def _user_pool_tags(idp: Any, pool_id: str) -> dict[str, str]:
    return idp.describe_user_pool(UserPoolId=pool_id)["UserPool"].get("UserPoolTags", {})


def _role_tags(iam: Any, name: str) -> dict[str, str]:
    return _tag_dict(iam.list_role_tags(RoleName=name)["Tags"])


def _policy_tags(iam: Any, arn: str) -> dict[str, str]:
    return _tag_dict(iam.list_policy_tags(PolicyArn=arn)["Tags"])


def _oidc_provider_tags(iam: Any, arn: str) -> dict[str, str]:
    return _tag_dict(iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=arn)["Tags"])


def _tags(read: Callable[[], dict[str, str]]) -> dict[str, str] | None:
    """The tags `read()` returns; None when the resource went between listing and reading."""
    try:
        return read()
    except ClientError as error:
        if error.response["Error"]["Code"] not in _GONE:
            raise
        return None


def _is_ours(scope: _Scope) -> Callable[[Resource, dict[str, str]], bool]:
    def keep(resource: Resource, tags: dict[str, str]) -> bool:
        named = resource.kind == OIDC_PROVIDER or scope.named(resource.owner)
        return named and scope.tagged(tags)

    return keep


def find_course_resources(lab: Lab, *, all_learners: bool = False) -> list[Resource]:
    """Everything with the prefix AND the tags, in the order it must be removed.

    `all_learners`: every learner's (`cognito-lab-` and `course=cognito-pools-lab`), for an
    instructor clearing a workshop's account; otherwise this lab's learner only.
    """
    return _found(lab, _scope(lab, all_learners), _is_ours(_scope(lab, all_learners)), everything=False)


def find_leftovers(lab: Lab, *, all_learners: bool = False) -> list[Resource]:
    """Anything with the prefix OR the course's tags: what `audit` reports."""
    scope = _scope(lab, all_learners)

    def keep(resource: Resource, tags: dict[str, str]) -> bool:
        return (resource.kind != OIDC_PROVIDER and scope.named(resource.owner)) or scope.tagged(tags)

    return _found(lab, scope, keep, everything=True)


def _empty_bucket(s3: Any, bucket: str) -> None:
    """Delete every object version and delete marker (an unversioned object is version "null")."""
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        doomed = [
            {"Key": item["Key"], "VersionId": item["VersionId"]}
            for item in page.get("Versions", []) + page.get("DeleteMarkers", [])
        ]
        if doomed:
            s3.delete_objects(Bucket=bucket, Delete={"Objects": doomed, "Quiet": True})


def _remove_role(iam: Any, role: str) -> None:
    for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        iam.delete_role_policy(RoleName=role, PolicyName=name)
    for policy in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]:
        iam.detach_role_policy(RoleName=role, PolicyArn=policy["PolicyArn"])
    iam.delete_role(RoleName=role)


def _remove_policy(iam: Any, arn: str) -> None:
    """Detach it everywhere and delete its old versions: IAM refuses to delete it otherwise."""
    entities = iam.list_entities_for_policy(PolicyArn=arn)
    for role in entities.get("PolicyRoles", []):
        iam.detach_role_policy(RoleName=role["RoleName"], PolicyArn=arn)
    for user in entities.get("PolicyUsers", []):
        iam.detach_user_policy(UserName=user["UserName"], PolicyArn=arn)
    for group in entities.get("PolicyGroups", []):
        iam.detach_group_policy(GroupName=group["GroupName"], PolicyArn=arn)
    for version in iam.list_policy_versions(PolicyArn=arn)["Versions"]:
        if not version["IsDefaultVersion"]:
            iam.delete_policy_version(PolicyArn=arn, VersionId=version["VersionId"])
    iam.delete_policy(PolicyArn=arn)


def _remove_user_pool(idp: Any, pool_id: str) -> None:
    pool = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    for domain in {pool.get("Domain"), pool.get("CustomDomain")} - {None}:
        idp.delete_user_pool_domain(Domain=domain, UserPoolId=pool_id)
    idp.delete_user_pool(UserPoolId=pool_id)


def _remove(lab: Lab, resource: Resource) -> None:
    if resource.kind == IDENTITY_POOL:
        lab.client("cognito-identity").delete_identity_pool(IdentityPoolId=resource.id)
    elif resource.kind == DOMAIN:
        lab.client("cognito-idp").delete_user_pool_domain(Domain=resource.id, UserPoolId=resource.pool_id)
    elif resource.kind == IDP:
        lab.client("cognito-idp").delete_identity_provider(
            UserPoolId=resource.pool_id, ProviderName=resource.id
        )
    elif resource.kind == RESOURCE_SERVER:
        lab.client("cognito-idp").delete_resource_server(UserPoolId=resource.pool_id, Identifier=resource.id)
    elif resource.kind == USER_POOL:
        _remove_user_pool(lab.client("cognito-idp"), resource.id)
    elif resource.kind == REST_API:
        # DeleteRestApi: one request every 30 seconds per account, not adjustable (API Gateway
        # Developer Guide, "Amazon API Gateway quotas"); botocore's standard retries may not wait
        # that long when learners share an account, so throttling is waited out here too.
        apigateway = lab.client("apigateway")
        retry.call(
            lambda: apigateway.delete_rest_api(restApiId=resource.id),
            what=f"Deleting REST API {resource.name} (API Gateway deletes one every 30 s per account)",
            retry_on={"TooManyRequestsException"},
        )
    elif resource.kind == FUNCTION:
        lab.client("lambda").delete_function(FunctionName=resource.id)
    elif resource.kind == LOG_GROUP:
        lab.client("logs").delete_log_group(logGroupName=resource.id)
    elif resource.kind == ROLE:
        _remove_role(lab.client("iam"), resource.id)
    elif resource.kind == POLICY:
        _remove_policy(lab.client("iam"), resource.id)
    elif resource.kind == OIDC_PROVIDER:
        lab.client("iam").delete_open_id_connect_provider(OpenIDConnectProviderArn=resource.id)
    elif resource.kind == BUCKET:
        s3 = lab.client("s3")
        _empty_bucket(s3, resource.id)
        s3.delete_bucket(Bucket=resource.id)
    else:
        lab.client("dynamodb").delete_table(TableName=resource.id)


def remove_course_resources(lab: Lab, *, dry_run: bool = False, all_learners: bool = False) -> list[Resource]:
    """Remove everything the course created (prefix AND tags); print and return what was removed.

    `dry_run` lists what would be removed and removes nothing.
    """
    found = find_course_resources(lab, all_learners=all_learners)
    if not dry_run:
        for resource in found:
            try:
                _remove(lab, resource)
            except ClientError as error:
                if error.response["Error"]["Code"] not in _GONE:
                    raise
    heading = "would remove" if dry_run else "removed"
    if found:
        show.table([[resource.kind, resource.name] for resource in found], [heading, "name"])
    else:
        whose = f"{NAME_PREFIX}-..." if all_learners else f"{lab.prefix}-..."
        print(f"Nothing to remove: no resource named {whose} carries the course's tags.")
    return found


def audit(lab: Lab, *, all_learners: bool = False) -> list[Resource]:
    """Print and return anything left that has the course's prefix or its tags."""
    left = find_leftovers(lab, all_learners=all_learners)
    if left:
        show.table(
            [[resource.kind, resource.name, resource.id] for resource in left], ["left over", "name", "id"]
        )
    else:
        prefix = _scope(lab, all_learners).prefix
        print(f"Nothing left: no resource has the prefix {prefix} or the course's tags.")
    return left


def command(*, dry_run: bool = False, report_only: bool = False, all_learners: bool = False) -> int:
    """`python -m helpers cleanup [--dry-run]` / `audit` (`report_only`): the exit status.

    0 when done; `audit` answers 1 if anything is left, so a script or CI step can fail on it.
    Uses the same backend a notebook would (the COGNITO_LAB_* environment). An in-process offline
    AWS belongs to one kernel, so from a terminal this is for a shared endpoint or real AWS.
    """
    lab = Lab("cleanup")
    if lab.backend == "offline":
        print("(This command's own offline AWS starts empty: each notebook kernel has its own.)")
    if report_only:
        return 1 if audit(lab, all_learners=all_learners) else 0
    remove_course_resources(lab, dry_run=dry_run, all_learners=all_learners)
    return 0
