"""The engine installed into someone else's moto test suite (`install(moto_suite=True)`).

A moto suite uses `@mock_aws` with moto's fake credentials and, usually, no IAM enforcement. With
the engine installed for it, such a suite keeps passing where it expects what AWS does, and meets
AWS's behaviour where moto was lenient (here: SRP proves the password). IAM enforcement follows
moto's own switch, and moto's fake keys act as the account administrator.
Run in a fresh interpreter: the mode is process-wide, and the rest of this run needs the course's.
"""

from __future__ import annotations

import subprocess
import sys

_SUITE = r"""
import json
import boto3, pycognito
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.core import set_initial_no_auth_action_count
import helpers.offline

helpers.offline.install(moto_suite=True)
found = {}


@mock_aws  # moto's defaults: its fake credentials in the environment, no IAM checks
def plain_moto_test():
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="plain")
    s3.put_object(Bucket="plain", Key="k", Body=b"v")
    found["plain"] = s3.get_object(Bucket="plain", Key="k")["Body"].read().decode()


@mock_aws
def srp_proves_the_password():
    idp = boto3.client("cognito-idp", region_name="us-east-1")
    pool = idp.create_user_pool(PoolName="p")["UserPool"]["Id"]
    client = idp.create_user_pool_client(UserPoolId=pool, ClientName="c")["UserPoolClient"]["ClientId"]
    idp.admin_create_user(UserPoolId=pool, Username="u", MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool, Username="u", Password="Correct-horse-1", Permanent=True)
    try:
        user = pycognito.Cognito(pool, client, username="u", user_pool_region="us-east-1")
        user.authenticate("wrong-Pass-1")
        found["srp"] = "accepted"
    except ClientError as error:
        found["srp"] = error.response["Error"]["Code"]


@set_initial_no_auth_action_count(0)  # moto's switch: check every request from now on
@mock_aws
def enforced_as_moto_would():
    iam = boto3.client("iam", region_name="us-east-1")  # moto's fake keys: the administrator
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="enforced")
    iam.create_user(UserName="nobody")
    key = iam.create_access_key(UserName="nobody")["AccessKey"]
    s3 = boto3.client(
        "s3",
        region_name="us-east-1",
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
    )
    try:
        s3.list_objects_v2(Bucket="enforced")
        found["enforced"] = "allowed"
    except ClientError as error:
        found["enforced"] = error.response["Error"]["Code"]


plain_moto_test()
srp_proves_the_password()
enforced_as_moto_would()
print(json.dumps(found))
"""


def test_a_moto_suite_keeps_what_aws_does_and_meets_what_moto_lets_slide() -> None:
    done = subprocess.run([sys.executable, "-c", _SUITE], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == (
        '{"plain": "v", "srp": "NotAuthorizedException", "enforced": "AccessDenied"}'
    )
