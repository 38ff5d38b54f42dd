"""One botocore data loader for the whole process, so each AWS service model is read once.

botocore caches the JSON files it loads (service models, endpoints, partitions) per *loader*, and
every botocore session makes its own loader. A kernel running the course had four: the course's
clients, moto's region lookups (`AccountSpecificBackend.get_session`), moto's own model reads
(`moto.core.utils`, a new loader per service) and the engine's own reads (which operations are
unsigned). cognito-idp's model alone is over 1 MB of JSON, and each loader also lists botocore's
data folder (thousands of `stat` calls). Measured on two cores: about 0.45 s of the 0.67 s it took
notebook 04 to set up its pools and roles. Sharing the loaders leaves one read per file.

moto reads models with its own loader class (it adds moto's extras), so there are two shared
loaders: `shared_loader()` for plain botocore (the course's clients, the engine, moto's region lookups)
and moto's, shared by the patch in `install`.
"""

from __future__ import annotations

import functools
from typing import Any

import botocore.loaders
import botocore.session

from .patching import Patches


@functools.cache
def shared_loader() -> botocore.loaders.Loader:
    """The process's plain botocore data loader (what every botocore session would make)."""
    return botocore.loaders.create_loader()


def botocore_session() -> botocore.session.Session:
    """A new botocore session that reads service models through the shared loader.

    Pass it to `boto3.Session(botocore_session=...)`: the session keeps its own credentials and
    settings; only the read-only data is shared.
    """
    made = botocore.session.Session()
    made.register_component("data_loader", shared_loader())
    return made


@functools.cache
def _motos_loader() -> Any:
    from moto.core.loaders import create_loader

    return create_loader()


@functools.cache
def _regions_session() -> botocore.session.Session:
    return botocore_session()


def install(patches: Patches) -> None:
    from moto.core import utils
    from moto.core.base_backend import AccountSpecificBackend

    patches.replace(utils, "create_loader", _motos_loader)
    patches.replace(AccountSpecificBackend, "get_session", classmethod(lambda cls: _regions_session()))
