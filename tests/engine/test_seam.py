"""The seam between the engine and moto: every patch names a real target and comes off cleanly.

moto has no plugin API, so the engine replaces attributes on moto's classes (`patching.Patches`).
These tests keep that seam from rotting: a renamed moto target stops the install instead of
quietly adding an attribute nothing calls, an operation the engine adds must really be missing
from moto, and `uninstall()` puts back exactly what was there.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from helpers.offline.patching import Patches, PatchTargetExists, PatchTargetMissing


class _Target:
    def method(self) -> str:
        return "moto's"


class _Subclass(_Target):
    pass


def test_a_missing_target_is_refused_at_install_time() -> None:
    with pytest.raises(PatchTargetMissing, match=r"_Target\.renamed_in_a_new_moto"):
        Patches().replace(_Target, "renamed_in_a_new_moto", lambda self: "ours")
    with pytest.raises(PatchTargetMissing):
        Patches().wrap(_Target, "renamed_in_a_new_moto", lambda original: original)
    assert not hasattr(_Target, "renamed_in_a_new_moto")


def test_an_added_operation_must_be_new() -> None:
    with pytest.raises(PatchTargetExists, match=r"_Target\.method"):
        Patches().add(_Target, "method", lambda self: "ours")


def test_undo_restores_own_inherited_and_added_attributes() -> None:
    patches = Patches()
    own = _Target.__dict__["method"]
    patches.wrap(_Target, "method", lambda original: lambda self: "ours, then " + original(self))
    patches.replace(_Subclass, "method", lambda self: "shadowing the inherited one")
    patches.add(_Target, "new_operation", lambda self: "moto has none")
    assert [name for _, name in patches.targets()] == ["method", "method", "new_operation"]
    assert _Subclass().method() == "shadowing the inherited one"
    patches.undo_all()
    assert _Target.__dict__["method"] is own
    assert "method" not in _Subclass.__dict__ and _Subclass().method() == "moto's"
    assert not hasattr(_Target, "new_operation")
    assert len(patches) == 0


# Run in a fresh interpreter: uninstalling the engine here would pull it from under the other
# tests of this process.
_ROUND_TRIP = r"""
import json
import types
from helpers.offline import engine

def name(owner):
    if isinstance(owner, types.ModuleType):
        return owner.__name__
    return f"{owner.__module__}.{owner.__qualname__}"

def snapshot(owners):
    return {key: dict(vars(owner)) for key, owner in owners.items()}

engine.install()
import moto.apigateway.models, moto.awslambda.models  # their fixes wait for moto to import them
owners = {name(o): o for o, _ in engine.patch_targets()}
targets = [[name(o), n] for o, n in engine.patch_targets()]
engine.uninstall()
before = snapshot(owners)
engine.install()
changed = sorted({key for key, owner in owners.items() if dict(vars(owner)) != before[key]})
engine.uninstall()
after = snapshot(owners)
differences = sorted(
    f"{key}.{name}"
    for key in owners
    for name in set(before[key]) | set(after[key])
    if before[key].get(name, "<absent>") is not after[key].get(name, "<absent>")
)
report = {"targets": targets, "changed": changed, "owners": sorted(owners), "differences": differences}
print(json.dumps(report))
"""


def test_uninstall_restores_every_patched_moto_attribute_exactly() -> None:
    """Install, list every target, uninstall: each owner's attributes are the very objects moto had."""
    done = subprocess.run([sys.executable, "-c", _ROUND_TRIP], capture_output=True, text=True, check=True)
    report = json.loads(done.stdout.splitlines()[-1])
    assert len(report["targets"]) > 40  # the engine patches many places; an empty list proves nothing
    assert report["changed"] == report["owners"]  # installing really changed every owner
    assert report["differences"] == []
    # Every target lives in moto: the engine never patches its own modules (explicit calls instead).
    assert {owner.split(".")[0] for owner, _ in report["targets"]} == {"moto"}


def _run(script: str) -> list[str]:
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.split()


def test_lambda_and_api_gateway_fixes_wait_for_moto_to_import_those_services() -> None:
    """A kernel that never calls them doesn't import them (0.25 s); the fixes are in place as soon
    as moto imports the service, and an engine uninstalled before that leaves moto's own."""
    script = (
        "import sys; from helpers.offline import engine; engine.install(); "
        "print('moto.apigateway.models' in sys.modules, 'moto.awslambda.models' in sys.modules); "
        "from moto.apigateway.models import RestAPI; from moto.awslambda.models import LambdaFunction; "
        "print(RestAPI.create_deployment.__module__, LambdaFunction.invoke.__module__); "
        "engine.uninstall(); print(RestAPI.create_deployment.__module__, LambdaFunction.invoke.__module__)"
    )
    assert _run(script) == [
        "False",
        "False",
        "helpers.offline.apigateway.responses",
        "helpers.offline.awslambda.responses",
        "moto.apigateway.models",
        "moto.awslambda.models",
    ]
    never_imported = (
        "from helpers.offline import engine; engine.install(); engine.uninstall(); "
        "from moto.apigateway.models import RestAPI; print(RestAPI.create_deployment.__module__)"
    )
    assert _run(never_imported) == ["moto.apigateway.models"]


_OPENAPI_ON_FIRST_USE = r"""
import sys
import helpers.offline.engine as engine
engine.install()
import moto.apigateway.models as models
from moto.apigateway.exceptions import InvalidOpenAPIDocumentException

heavy = ("openapi_spec_validator", "pydantic", "jsonschema")
print(*[name in sys.modules for name in heavy])
backend = models.apigateway_backends["123456789012"]["us-east-1"]
try:
    backend.import_rest_api({"openapi": "3.0.0", "info": {"title": "t"}, "paths": {}}, fail_on_warnings=True)
except InvalidOpenAPIDocumentException as error:
    print(error.message.replace(" ", "_"))
print(*[name in sys.modules for name in heavy + ("rfc3987_syntax", "isoduration")])
import openapi_spec_validator, rfc3987_syntax, isoduration
print(openapi_spec_validator.__file__.endswith("__init__.py"), rfc3987_syntax.__name__)
"""


def test_api_gateway_arrives_without_its_openapi_validator() -> None:
    """moto's API Gateway imports openapi-spec-validator (and pydantic, jsonschema: 0.33 s of a
    kernel) for ImportRestApi's failOnWarnings alone; the engine lets it import on first use. moto
    still rejects an invalid document with the validator's message, without jsonschema's optional
    format checkers (rfc3987-syntax's grammars took 1.4 s), which stay importable afterwards."""
    assert _run(_OPENAPI_ON_FIRST_USE) == [
        *["False"] * 3,
        "Failed_to_parse_the_uploaded_OpenAPI_document_due_to:_'version'_is_a_required_property",
        *["True"] * 3,
        *["False"] * 2,
        "True",
        "rfc3987_syntax",
    ]
