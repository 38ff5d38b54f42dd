"""openapi-spec-validator for moto's API Gateway, imported when a document is first validated.

moto's API Gateway imports openapi-spec-validator as it is itself imported, and with it pydantic
and jsonschema: 0.33 s of a kernel's time (Python 3.11, two cores, measured), most of it
pydantic-core compiling the type hints of its schema classes. moto calls the validator only for
ImportRestApi and PutRestApi with `failOnWarnings=true`, which the course never does.

So while moto's module is imported (`standing_in()`, the engine's import context for it), its two
imports of the validator get this module's stand-ins: `validate` imports the real validator when
it is first called and raises its errors as `OpenAPIValidationError` with the same `message`,
which is all moto reads of them (`InvalidOpenAPIDocumentException(e)`: "Failed to parse the
uploaded OpenAPI document due to: <message>"). Anyone else importing openapi-spec-validator, before
or after, gets the real package: the stand-ins are in `sys.modules` only during moto's import.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# jsonschema imports these when they are installed (JupyterLab's jupyter-events brings them) to
# check the "iri" and "duration" formats, which OpenAPI documents don't use: rfc3987-syntax
# compiles 38 grammars as it is imported (1.4 s, measured), isoduration imports arrow (0.07 s).
_OPTIONAL_FORMAT_CHECKERS = ("rfc3987_syntax", "isoduration")
_VALIDATOR = "openapi_spec_validator"
_EXCEPTIONS = "openapi_spec_validator.validation.exceptions"


class OpenAPIValidationError(Exception):
    """What moto's `except` clauses catch: the real validator's error, with its message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def validate(spec: Any, *args: Any, **kwargs: Any) -> None:
    """openapi-spec-validator's `validate`, imported now (the first document to validate)."""
    with _without_optional_format_checkers():
        from openapi_spec_validator import validate as real_validate
        from openapi_spec_validator.validation.exceptions import OpenAPIValidationError as RealError
    try:
        real_validate(spec, *args, **kwargs)
    except RealError as error:
        raise OpenAPIValidationError(error.message) from error


@contextmanager
def standing_in() -> Iterator[None]:
    """Import moto's API Gateway with the stand-ins in place of openapi-spec-validator."""
    if _VALIDATOR in sys.modules:  # imported already: nothing to save
        yield
        return
    package = types.ModuleType(_VALIDATOR, __doc__)
    package.validate = validate  # type: ignore[attr-defined]
    validation = types.ModuleType(f"{_VALIDATOR}.validation")
    exceptions = types.ModuleType(_EXCEPTIONS)
    exceptions.OpenAPIValidationError = OpenAPIValidationError  # type: ignore[attr-defined]
    stand_ins = {_VALIDATOR: package, validation.__name__: validation, _EXCEPTIONS: exceptions}
    sys.modules.update(stand_ins)
    try:
        yield
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]


@contextmanager
def _without_optional_format_checkers() -> Iterator[None]:
    """jsonschema's optional format checkers unimportable while the validator is first imported;
    they import normally again afterwards."""
    imported = "jsonschema" in sys.modules  # then its checkers are whatever they already are
    blocked = [] if imported else [name for name in _OPTIONAL_FORMAT_CHECKERS if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]  # `import` raises ImportError
    try:
        yield
    finally:
        for name in blocked:
            del sys.modules[name]
