"""The notes app's storage from notebook 04: a bucket, a table, and the roles' permission policies.

Notebook 04 makes these with the calls written out; notebook 05 (and any later one) calls
`ensure_notes_storage(lab, setup)`, which quietly does the same, finding what exists by name.
A unit test checks that notebook 04's `create_table` call and `table_request` agree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from helpers import policies
from helpers.identitypool import IdentityPoolSetup, wait_for_iam
from helpers.lab import Lab

NOTES = "notes"  # lab.bucket_name(NOTES), lab.name(NOTES) → "cognito-lab-notes"
WELCOME_KEY = "public/welcome.txt"


def table_request(lab: Lab) -> dict[str, Any]:
    """The `create_table` arguments notebook 04 uses: one partition per identity id."""
    return {
        "TableName": lab.name(NOTES),
        "KeySchema": [
            {"AttributeName": "identity_id", "KeyType": "HASH"},
            {"AttributeName": "note_id", "KeyType": "RANGE"},
        ],
        "AttributeDefinitions": [
            {"AttributeName": "identity_id", "AttributeType": "S"},
            {"AttributeName": "note_id", "AttributeType": "S"},
        ],
        "BillingMode": "PAY_PER_REQUEST",
        "Tags": lab.tag_list(),
    }


def put_role_policy_if_changed(lab: Lab, role: str, document: dict[str, Any]) -> bool:
    """Give `role` this inline policy unless it has it already; True if it was put."""
    iam = lab.client("iam")
    try:
        found = iam.get_role_policy(RoleName=role, PolicyName=policies.ROLE_POLICY_NAME)["PolicyDocument"]
    except iam.exceptions.NoSuchEntityException:
        found = None
    if found == document:  # boto3 hands the stored document back already parsed
        return False
    iam.put_role_policy(
        RoleName=role, PolicyName=policies.ROLE_POLICY_NAME, PolicyDocument=json.dumps(document)
    )
    return True


@dataclass(frozen=True)
class Storage:
    bucket: str
    table: str
    table_arn: str


def ensure_notes_storage(lab: Lab, setup: IdentityPoolSetup) -> Storage:
    """Redo notebook 04's setup as needed: bucket (tagged, with the public file), table, role policies.

    Prints one line saying what it found and what it created.
    """
    s3, dynamodb = lab.client("s3"), lab.client("dynamodb")
    bucket = lab.bucket_name(NOTES)
    bucket_note = "found"
    if lab.find_bucket(bucket) is None:
        s3.create_bucket(Bucket=bucket)
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": lab.tag_list()})
        bucket_note = "created"
    s3.put_object(Bucket=bucket, Key=WELCOME_KEY, Body=b"Welcome! Everyone may read this.")
    request = table_request(lab)
    table_arn = lab.find_table(request["TableName"])
    table_note = "found"
    if table_arn is None:
        table_arn = dynamodb.create_table(**request)["TableDescription"]["TableArn"]
        dynamodb.get_waiter("table_exists").wait(TableName=request["TableName"])
        table_note = "created"
    changed = [
        put_role_policy_if_changed(lab, role, document)
        for role, document in (
            (setup.signed_in_role_name, policies.signed_in_role_policy(bucket, table_arn)),
            (setup.guest_role_name, policies.guest_role_policy(bucket)),
        )
    ]
    if any(changed):
        wait_for_iam(lab)
    print(
        f"Using bucket {bucket} ({bucket_note}), table {request['TableName']} ({table_note}), "
        f"role policies {policies.ROLE_POLICY_NAME} ({'put' if any(changed) else 'found'})."
    )
    return Storage(bucket, request["TableName"], table_arn)
