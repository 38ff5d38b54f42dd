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
and moto's, shared by the patch in `install`. moto's loader reads a file itself only where its
answer differs from botocore's: where moto adds extras to it, or botocore adds its own (`sdk`)
extras, which moto's loader leaves out. Every other model is botocore's own dictionary, decoded
once for the client and moto (about 65 ms of notebook 10's setup, profiled). The extras are merged
into the loaded dictionary in place, so a model with extras must not be shared.

Both loaders also list botocore's data folder once rather than once per kind of file (`IndexedLoader`).
"""

from __future__ import annotations

import functools
import os
from typing import Any

import botocore.loaders
import botocore.session

from .patching import Patches

# The endings botocore's file loader accepts for a data file (`JSONFileLoader.exists`).
_JSON_ENDINGS = (".json", ".json.gz")


class IndexedLoader(botocore.loaders.Loader):  # type: ignore[misc]  # botocore has no types
    """botocore's loader, listing its data folders once for every kind of file.

    Loading any model first asks which services have that kind of file (service-2, paginators-1,
    waiters-2, endpoint-rule-set-1, ...), and botocore answers by walking all ~420 service folders
    and their versions again for each kind: about 1,300 `stat` and `listdir` calls each time. One
    walk answers every kind with the same list: five kinds took 34 ms, now 7.6 ms (two cores, warm);
    with moto's loader, which also walks moto's package folder, four kinds took 76 ms, now 19 ms.
    """

    @functools.cached_property
    def _files_by_service(self) -> dict[str, set[str]]:
        """{service: the names of the files in any of its version folders}, over the search paths."""
        files: dict[str, set[str]] = {}
        for root in (path for path in self.search_paths if os.path.isdir(path)):
            with os.scandir(root) as services:
                for service in (entry for entry in services if entry.is_dir()):
                    with os.scandir(service.path) as versions:
                        for version in (entry for entry in versions if entry.is_dir()):
                            with os.scandir(version.path) as found:
                                names = {entry.name for entry in found if entry.is_file()}
                            files.setdefault(service.name, set()).update(names)
        return files

    def list_available_services(self, type_name: str) -> list[str]:
        wanted = {type_name + ending for ending in _JSON_ENDINGS}
        return sorted(service for service, names in self._files_by_service.items() if names & wanted)


@functools.cache
def shared_loader() -> botocore.loaders.Loader:
    """The process's plain botocore data loader (what every botocore session would make)."""
    return IndexedLoader()


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
    from moto.core.loaders import Loader, moto_root

    class SharingLoader(Loader, IndexedLoader):
        """moto's loader, reading through `shared_loader()` the models that have no extras."""

        def load_service_model(
            self, service_name: str, type_name: str, api_version: str | None = None
        ) -> Any:
            if self._has_extras(service_name, type_name):
                return super().load_service_model(service_name, type_name, api_version)
            return shared_loader().load_service_model(service_name, type_name, api_version)

        def _has_extras(self, service_name: str, type_name: str) -> bool:
            """Whether moto or botocore add extras to this model (any API version). This loader
            searches moto's folder (its services named without dashes) and botocore's own and the
            customer's (~/.aws/models), so its listing answers both."""
            files = self._files_by_service
            motos = files.get(service_name.replace("-", ""), set())
            botocores = files.get(service_name, set())
            return any(
                f"{type_name}.moto-extras{ending}" in motos or f"{type_name}.sdk-extras{ending}" in botocores
                for ending in _JSON_ENDINGS
            )

    return SharingLoader(extra_search_paths=[moto_root])


@functools.cache
def _regions_session() -> botocore.session.Session:
    return botocore_session()


def install(patches: Patches) -> None:
    from moto.core import utils
    from moto.core.base_backend import AccountSpecificBackend

    patches.replace(utils, "create_loader", _motos_loader)
    patches.replace(AccountSpecificBackend, "get_session", classmethod(lambda cls: _regions_session()))
