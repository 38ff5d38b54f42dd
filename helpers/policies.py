"""The permission policies the course teaches, as plain JSON documents with the why beside them.

Notebook 04 prints these exact documents and sends them to IAM with `put_role_policy`; nothing is
added on the way. Two roles, one for signed-in users and one for guests (notebook 03 makes them
and their trust policies, `helpers.identitypool`).

The policy variable `${cognito-identity.amazonaws.com:sub}` is the caller's **identity id** from the
identity pool (`us-east-1:1b2c…`), filled in by IAM at request time from the session the
credentials belong to. It is NOT the user pool's `sub` claim: a key built from that one matches
nothing (notebook 04's classic mistake). Sources: Cognito Developer Guide, "IAM roles" (access
policies, fine-grained access) and IAM User Guide, "Amazon DynamoDB: Allows access to specific
items" / "Amazon S3: Allows Amazon Cognito users to access objects in their bucket".
"""

from __future__ import annotations

import copy
from typing import Any

from helpers.offline import GUEST_SESSION_POLICIES

# The name each role's inline policy is stored under (`put_role_policy(PolicyName=...)`).
ROLE_POLICY_NAME = "notes-access"

# IAM replaces this with the identity id of whoever calls (identity pool credentials only).
IDENTITY_ID = "${cognito-identity.amazonaws.com:sub}"


def bucket_arn(bucket: str) -> str:
    return f"arn:aws:s3:::{bucket}"


def signed_in_role_policy(bucket: str, table_arn: str) -> dict[str, Any]:
    """What a signed-in user may do: the public files, their own private files and their own items."""
    return {
        "Version": "2012-10-17",  # the version in which policy variables work
        "Statement": [
            {
                # Everyone signed in may read what is under public/.
                "Sid": "ReadPublic",
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": f"{bucket_arn(bucket)}/public/*",
            },
            {
                # private/<your identity id>/...: read and write, nobody else's. The variable is
                # filled in per request, so one policy serves every user.
                "Sid": "OwnPrivateObjects",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject"],
                "Resource": f"{bucket_arn(bucket)}/private/{IDENTITY_ID}/*",
            },
            {
                # Listing is an action on the BUCKET, so the object ARNs above don't cover it; the
                # s3:prefix condition keeps it to your own folder and public/. A listing without a
                # Prefix has no s3:prefix at all, and StringLike on a missing key doesn't match:
                # "list the whole bucket" stays denied.
                "Sid": "ListOwnPrefixAndPublic",
                "Effect": "Allow",
                "Action": "s3:ListBucket",
                "Resource": bucket_arn(bucket),
                "Condition": {"StringLike": {"s3:prefix": [f"private/{IDENTITY_ID}/*", "public/*"]}},
            },
            {
                # Items whose partition key is your identity id. LeadingKeys lists the partition
                # keys a request touches, and ForAllValues means every one must be yours. Scan is
                # left out on purpose: it has no leading keys, and ForAllValues over an empty set
                # is true, so a Scan here would read everyone's items.
                "Sid": "OwnItems",
                "Effect": "Allow",
                "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
                "Resource": table_arn,
                "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [IDENTITY_ID]}},
            },
        ],
    }


def guest_role_policy(bucket: str) -> dict[str, Any]:
    """What a guest (no sign-in) may do: read the public files, nothing else."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReadPublic",
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": f"{bucket_arn(bucket)}/public/*",
            }
        ],
    }


def editor_role_policy(bucket: str, table_arn: str) -> dict[str, Any]:
    """What an editor (notebook 06's "editors" group) may do: read every note, write none."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                # Every object under private/ and public/: no policy variable, so everyone's.
                "Sid": "ReadEveryNote",
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": [f"{bucket_arn(bucket)}/private/*", f"{bucket_arn(bucket)}/public/*"],
            },
            {
                # Reading every item is the point here, so Scan is allowed: on purpose, for this
                # role only, and without the LeadingKeys condition that would mislead.
                "Sid": "ReadEveryItem",
                "Effect": "Allow",
                "Action": ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"],
                "Resource": table_arn,
            },
        ],
    }


# IAM replaces this with the value of the session's principal tag `department` (notebook 07).
DEPARTMENT_TAG = "${aws:PrincipalTag/department}"


def department_role_policy(bucket: str) -> dict[str, Any]:
    """Attribute-based access (notebook 07): read your department's folder, whichever it is."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                # departments/<your department>/...: the tag the identity pool put on the session
                # from the token's custom:department claim. No tag, no match.
                "Sid": "ReadOwnDepartment",
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": f"{bucket_arn(bucket)}/departments/{DEPARTMENT_TAG}/*",
            },
            {
                "Sid": "ListOwnDepartment",
                "Effect": "Allow",
                "Action": "s3:ListBucket",
                "Resource": bucket_arn(bucket),
                "Condition": {"StringLike": {"s3:prefix": f"departments/{DEPARTMENT_TAG}/*"}},
            },
        ],
    }


# --- notebook 11: a function with its own role, and an API the identity pool may call ------------


def function_trust() -> dict[str, Any]:
    """The execution role's trust policy: Lambda may assume it for the function (Lambda Developer
    Guide, "Defining Lambda function permissions with an execution role": the trust policy "must
    specify the Lambda service principal (lambda.amazonaws.com) as a trusted service")."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }


def notes_function_policy(table_arn: str) -> dict[str, Any]:
    """What the notes function may do: query the whole table. Everyone's notes: the function's code,
    not IAM, keeps each caller to their own (notebook 11, route a)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "QueryEveryonesNotes",
                "Effect": "Allow",
                "Action": "dynamodb:Query",
                "Resource": table_arn,
            }
        ],
    }


def api_caller_policy(method_arn: str, table_arn: str) -> dict[str, Any]:
    """What notebook 11's signed-in role may do: call one API method signed with its credentials
    (route b), and read its own notes straight from the table (route c)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                # arn:aws:execute-api:<region>:<account>:<api id>/<stage>/<METHOD>/<path> (API Gateway
                # Developer Guide, "Control access for invoking an API").
                "Sid": "InvokeNotesApi",
                "Effect": "Allow",
                "Action": "execute-api:Invoke",
                "Resource": method_arn,
            },
            {
                # The items whose partition key is the caller's identity id, as in notebook 04.
                "Sid": "OwnNotes",
                "Effect": "Allow",
                "Action": ["dynamodb:GetItem", "dynamodb:Query"],
                "Resource": table_arn,
                "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [IDENTITY_ID]}},
            },
        ],
    }


# --- what AWS adds for guests: the scope-down ----------------------------------------------------

# In the enhanced flow Cognito passes two session policies when it asks STS for a guest's
# credentials (Cognito Developer Guide, "IAM roles", "Access policies"): an AWS managed policy and
# an inline list of services. The managed one is published (AWS managed policy reference,
# "AmazonCognitoUnAuthedIdentitiesSessionPolicy", version v4 of 2026-05-01); it has no S3 or
# DynamoDB action. The inline one's text is not published: the offline AWS builds it from the
# Developer Guide's service table, which names S3 and DynamoDB (UNCONFIRMED today's text).
GUEST_MANAGED_SCOPE_DOWN = "AmazonCognitoUnAuthedIdentitiesSessionPolicy"
GUEST_INLINE_SCOPE_DOWN = "cognito-unauth-inline-scope-down"  # the lab's name; AWS gives it none
GUEST_MANAGED_SCOPE_DOWN_ARN = f"arn:aws:iam::aws:policy/{GUEST_MANAGED_SCOPE_DOWN}"


def guest_scope_down() -> dict[str, dict[str, Any]]:
    """The two session policies the offline AWS gives enhanced-flow guests: {name: document}.

    `GUEST_MANAGED_SCOPE_DOWN` is AWS's published managed policy, word for word;
    `GUEST_INLINE_SCOPE_DOWN` is the lab's reconstruction of the unpublished inline policy.
    """
    return {name: copy.deepcopy(document) for name, document in GUEST_SESSION_POLICIES}
