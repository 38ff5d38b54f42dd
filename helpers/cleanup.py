"""Find everything the course created and remove it: identity pools, user pools, roles, buckets, tables.

A resource is the course's only if BOTH its name starts with the lab's prefix (`cognito-lab-`, or
`cognito-lab-<learner>-` on real AWS) AND its tags say `course=cognito-pools-lab` and this
learner. Either alone is not enough on a real account: a name can be chosen by anyone, and tags
can be copied. Removing is idempotent: a second run finds nothing and says so.

Order matters: identity pools first (they point at the user pool and the roles), then user pools
(their users, groups and app clients go with them), roles (inline policies first, then attached
ones are detached: IAM refuses to delete a role that has any), buckets (every object version and
delete marker first: S3 refuses to delete a bucket that isn't empty), tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from helpers import show
from helpers.lab import COURSE, Lab

IDENTITY_POOL, USER_POOL, ROLE, BUCKET, TABLE = "identity pool", "user pool", "IAM role", "S3 bucket", "table"


@dataclass(frozen=True)
class Resource:
    """One resource the course made: what kind, its name, and the id the delete call takes."""

    kind: str
    name: str
    id: str


def _ours(lab: Lab, name: str, tags: dict[str, str]) -> bool:
    return (
        name.startswith(f"{lab.prefix}-")
        and tags.get("course") == COURSE
        and tags.get("learner") == lab.learner
    )


def _tag_dict(tag_list: list[dict[str, str]]) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in tag_list}


def _identity_pools(lab: Lab) -> list[Resource]:
    identity = lab.client("cognito-identity")
    found, kwargs = [], {"MaxResults": 60}
    while True:
        page = identity.list_identity_pools(**kwargs)
        for pool in page["IdentityPools"]:
            if pool["IdentityPoolName"].startswith(f"{lab.prefix}-"):
                tags = identity.describe_identity_pool(IdentityPoolId=pool["IdentityPoolId"]).get(
                    "IdentityPoolTags", {}
                )
                if _ours(lab, pool["IdentityPoolName"], tags):
                    found.append(Resource(IDENTITY_POOL, pool["IdentityPoolName"], pool["IdentityPoolId"]))
        if not page.get("NextToken"):
            return found
        kwargs["NextToken"] = page["NextToken"]


def _user_pools(lab: Lab) -> list[Resource]:
    idp = lab.client("cognito-idp")
    found = []
    for page in idp.get_paginator("list_user_pools").paginate(MaxResults=60):
        for pool in page["UserPools"]:
            if pool["Name"].startswith(f"{lab.prefix}-"):
                tags = idp.describe_user_pool(UserPoolId=pool["Id"])["UserPool"].get("UserPoolTags", {})
                if _ours(lab, pool["Name"], tags):
                    found.append(Resource(USER_POOL, pool["Name"], pool["Id"]))
    return found


def _roles(lab: Lab) -> list[Resource]:
    iam = lab.client("iam")
    found = []
    for page in iam.get_paginator("list_roles").paginate():
        for role in page["Roles"]:
            if role["RoleName"].startswith(f"{lab.prefix}-"):
                tags = _tag_dict(iam.list_role_tags(RoleName=role["RoleName"])["Tags"])
                if _ours(lab, role["RoleName"], tags):
                    found.append(Resource(ROLE, role["RoleName"], role["RoleName"]))
    return found


def _buckets(lab: Lab) -> list[Resource]:
    s3 = lab.client("s3")
    found = []
    for bucket in s3.list_buckets()["Buckets"]:
        name = bucket["Name"]
        if not name.startswith(f"{lab.prefix}-"):
            continue
        try:
            tags = _tag_dict(s3.get_bucket_tagging(Bucket=name)["TagSet"])
        except ClientError as error:
            if error.response["Error"]["Code"] != "NoSuchTagSet":
                raise
            tags = {}
        if _ours(lab, name, tags):
            found.append(Resource(BUCKET, name, name))
    return found


def _tables(lab: Lab) -> list[Resource]:
    dynamodb = lab.client("dynamodb")
    found = []
    for page in dynamodb.get_paginator("list_tables").paginate():
        for name in page["TableNames"]:
            if name.startswith(f"{lab.prefix}-"):
                arn = dynamodb.describe_table(TableName=name)["Table"]["TableArn"]
                tags = _tag_dict(dynamodb.list_tags_of_resource(ResourceArn=arn).get("Tags", []))
                if _ours(lab, name, tags):
                    found.append(Resource(TABLE, name, name))
    return found


def find_course_resources(lab: Lab) -> list[Resource]:
    """Everything with the lab's prefix and tags, in the order it must be removed."""
    found: list[Resource] = []
    for finder in (_identity_pools, _user_pools, _roles, _buckets, _tables):
        found += sorted(finder(lab), key=lambda resource: resource.name)
    return found


def _empty_bucket(s3: Any, bucket: str) -> None:
    """Delete every object version and delete marker (an unversioned object is version "null")."""
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        doomed = [
            {"Key": item["Key"], "VersionId": item["VersionId"]}
            for item in page.get("Versions", []) + page.get("DeleteMarkers", [])
        ]
        if doomed:
            s3.delete_objects(Bucket=bucket, Delete={"Objects": doomed, "Quiet": True})


def _remove(lab: Lab, resource: Resource) -> None:
    if resource.kind == IDENTITY_POOL:
        lab.client("cognito-identity").delete_identity_pool(IdentityPoolId=resource.id)
    elif resource.kind == USER_POOL:
        lab.client("cognito-idp").delete_user_pool(UserPoolId=resource.id)
    elif resource.kind == ROLE:
        iam = lab.client("iam")
        for name in iam.list_role_policies(RoleName=resource.id)["PolicyNames"]:
            iam.delete_role_policy(RoleName=resource.id, PolicyName=name)
        for policy in iam.list_attached_role_policies(RoleName=resource.id)["AttachedPolicies"]:
            iam.detach_role_policy(RoleName=resource.id, PolicyArn=policy["PolicyArn"])
        iam.delete_role(RoleName=resource.id)
    elif resource.kind == BUCKET:
        s3 = lab.client("s3")
        _empty_bucket(s3, resource.id)
        s3.delete_bucket(Bucket=resource.id)
    else:
        lab.client("dynamodb").delete_table(TableName=resource.id)


def remove_course_resources(lab: Lab) -> list[Resource]:
    """Remove everything the course created (prefix AND tags); print and return what was removed."""
    found = find_course_resources(lab)
    for resource in found:
        _remove(lab, resource)
    if found:
        show.table([[resource.kind, resource.name] for resource in found], ["removed", "name"])
    else:
        print(f"Nothing to remove: no resource named {lab.prefix}-... carries the course's tags.")
    return found
