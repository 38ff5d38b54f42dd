"""A user pool's attribute schema and password policy, enforced with AWS's messages.

Follows the API Reference's SignUp and AdminCreateUser (InvalidParameterException for attributes
that do not conform to the schema, InvalidPasswordException for a password the policy refuses),
the `PasswordPolicyType` shape, and the Developer Guide's "Password requirements" and "Working
with user attributes". moto checks neither the schema nor most of the policy, and its own
password check defaults every Require* flag to true with one generic message.
"""

from __future__ import annotations

import re
from typing import Any

from moto.cognitoidp.models import CognitoIdpBackend, CognitoIdpUserPool, CognitoIdpUserPoolAttribute
from moto.cognitoidp.utils import validate_username_format

from .exceptions import (
    ATTRIBUTE_REQUIRED,
    ATTRIBUTE_UNKNOWN,
    PASSWORD_PREFIX,
    SCHEMA_PREFIX,
    InvalidParameterException,
    InvalidPasswordException,
)

VERIFIED_FLAGS = ("email_verified", "phone_number_verified")
# Special characters a password policy counts (DG "Password requirements"),
# plus a space that neither starts nor ends the password.
_PASSWORD_SYMBOLS = set("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-")


def is_verified(value: str | None) -> bool:
    """AWS treats "True", "TRUE" and "true" alike (AdminCreateUser with "True" verifies the
    address, aws-amplify/amplify-js#8205); GetUser echoes the value as it was given."""
    return isinstance(value, str) and value.lower() == "true"


def required_attributes(pool: CognitoIdpUserPool) -> set[str]:
    return {name for name, attribute in pool.schema_attributes.items() if attribute.required}


# --- Password policy --------------------------------------------------------------------------
def _password_problem(policy: dict[str, Any], password: str) -> str | None:
    # A policy given without a Require* flag does not require it (PasswordPolicyType).
    if len(password) < int(policy.get("MinimumLength", 8)):
        return "Password not long enough"
    checks = (
        ("RequireUppercase", r"[A-Z]", "Password must have uppercase characters"),
        ("RequireLowercase", r"[a-z]", "Password must have lowercase characters"),
        ("RequireNumbers", r"[0-9]", "Password must have numeric characters"),
    )
    for setting, pattern, problem in checks:
        if policy.get(setting) and not re.search(pattern, password):
            return problem
    if policy.get("RequireSymbols"):
        inner_space = " " in password.strip()
        if not inner_space and not _PASSWORD_SYMBOLS.intersection(password):
            return "Password must have symbol characters"
    return None


def validate_password(self: CognitoIdpBackend, user_pool_id: str, password: str) -> None:
    """Replaces moto's check, which had one generic message and defaulted every Require* to true."""
    pool = self.describe_user_pool(user_pool_id)
    policy = pool.extended_config.get("Policies", {}).get("PasswordPolicy", {})
    problem = _password_problem(policy, password or "")
    if problem:
        raise InvalidPasswordException(PASSWORD_PREFIX + problem)


# --- Schema -----------------------------------------------------------------------------------
def check_attributes(pool: CognitoIdpUserPool, username: str, attributes: list[dict[str, str]]) -> None:
    """Unknown attributes and missing required ones, reported the way AWS lists them."""
    known = set(CognitoIdpUserPoolAttribute.STANDARD_SCHEMA) | set(pool.schema_attributes)
    problems = [ATTRIBUTE_UNKNOWN.format(name=a["Name"]) for a in attributes if a["Name"] not in known]
    provided = {a["Name"] for a in attributes if a.get("Value")}
    # In a pool that signs in with an email or phone, the username fills that attribute.
    provided |= {
        kind
        for kind in pool.extended_config.get("UsernameAttributes") or []
        if validate_username_format(username, _format=kind)
    }
    problems += [
        ATTRIBUTE_REQUIRED.format(name=name)
        for name, attribute in pool.schema_attributes.items()
        if attribute.required and name != "sub" and name not in provided
    ]
    if problems:
        raise InvalidParameterException(SCHEMA_PREFIX + "".join(problems))
