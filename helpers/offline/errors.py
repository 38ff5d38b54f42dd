"""The engine's one error mechanism: an error answered exactly as the called AWS service answers it.

Every error the engine raises is an `AwsError`. Each service package defines one subclass per AWS
error code, named as AWS names the code (`cognitoidp.exceptions.NotAuthorizedException`,
`sts.exceptions.AccessDenied`, ...); the class name *is* the code unless `error_code` says
otherwise. What varies between services is only how the answer is written, the service's
*protocol* (botocore's name for it in each service model):

* ``json`` (Cognito, DynamoDB, Lambda's control plane answers too): a JSON body with ``__type``
  and the message. Cognito writes ``{"__type": "NotAuthorizedException", "message": ...}``;
  DynamoDB, older and Coral-shaped, ``{"__type": "com.amazon.coral.service#...", "Message": ...}``
  (both as captured from AWS in aws-semantics.md §2 and §4); botocore reads either;
* ``query`` (IAM, STS): ``<ErrorResponse><Error><Type>Sender</Type><Code>...`` in the service's
  XML namespace;
* ``rest-xml`` (S3): ``<Error><Code>...</Code><Message>...</Message>...</Error>``;
* ``rest-json`` (Lambda, API Gateway): a JSON body with the message and the code in the
  ``x-amzn-ErrorType`` header;
* ``oauth2`` (a user pool domain's OAuth 2.0 endpoints, RFC 6749 §5.2 as Cognito's "Token
  endpoint" page shows it): ``{"error": "invalid_grant"}``, with an ``error_description`` when
  the error has a message, as ``application/json;charset=UTF-8``.

moto answers an `werkzeug.exceptions.HTTPException` raised anywhere in a request (its
authorization hook or a response method, in-process and at the endpoint) with the exception's
own status, headers and body, which is why the base class is one.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from werkzeug.exceptions import HTTPException

_QUERY_NAMESPACES = {
    "iam": "https://iam.amazonaws.com/doc/2010-05-08/",
    "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
}
# Not a real request id: AWS's are per request; nothing in the course reads them.
_REQUEST_ID = "LABREQUEST0000000"


def xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


class AwsError(HTTPException):
    """An AWS error: HTTP status, AWS's error code and message, written in the service's shape.

    Subclasses set `status` (default 400), `protocol` and, where the code is not a valid class
    name or is shared by two shapes, `error_code`. An instance may override the status and the
    protocol, for the few codes AWS answers in more than one service's shape (`AccessDenied`).
    """

    status: ClassVar[int] = 400
    protocol: ClassVar[str] = "json"
    error_code: ClassVar[str] = ""
    # For the "json" protocol: what precedes the code in `__type`, and the message's key.
    json_type_prefix: ClassVar[str] = ""
    json_message_key: ClassVar[str] = "message"
    # For the "query" protocol: the XML namespace (the service's signing name picks it).
    query_service: ClassVar[str] = "iam"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        protocol: str | None = None,
        query_service: str | None = None,
    ) -> None:
        self.message = message
        self.aws_code = self.error_code or type(self).__name__
        self._protocol = protocol or self.protocol
        self._query_service = query_service or self.query_service
        super().__init__(description=self._render())
        # werkzeug's `code` is the HTTP status (moto reads it as such).
        self.code = status or self.status

    def __str__(self) -> str:
        return f"{self.aws_code}: {self.message}"

    def _render(self) -> str:
        code, message = self.aws_code, self.message
        if self._protocol == "rest-xml":
            return (
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                f"<Error><Code>{code}</Code><Message>{xml_escape(message)}</Message>"
                f"<RequestId>{_REQUEST_ID}</RequestId><HostId>offline-lab</HostId></Error>"
            )
        if self._protocol == "query":
            namespace = _QUERY_NAMESPACES.get(self._query_service, _QUERY_NAMESPACES["iam"])
            return (
                f'<ErrorResponse xmlns="{namespace}">'
                f"<Error><Type>Sender</Type><Code>{code}</Code><Message>{xml_escape(message)}</Message>"
                f"</Error><RequestId>{_REQUEST_ID}</RequestId></ErrorResponse>"
            )
        if self._protocol == "rest-json":
            return json.dumps({self.json_message_key: message})
        if self._protocol == "oauth2":
            return json.dumps({"error": code, **({"error_description": message} if message else {})})
        return json.dumps({"__type": f"{self.json_type_prefix}{code}", self.json_message_key: message})

    def get_body(self, *args: Any, **kwargs: Any) -> str:
        return self.description or ""

    def get_headers(self, *args: Any, **kwargs: Any) -> list[tuple[str, str]]:
        if self._protocol == "oauth2":
            return [("Content-Type", "application/json;charset=UTF-8")]
        content_type = {
            "rest-xml": "application/xml",
            "query": "text/xml",
            "rest-json": "application/json",
        }.get(self._protocol, "application/x-amz-json-1.1")
        return [("Content-Type", content_type), ("x-amzn-ErrorType", self.aws_code)]
