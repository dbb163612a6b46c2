"""Running the body of LanceDB's REST namespace client package only when something asks for it.

`import lancedb` imports `lance_namespace`, which re-exports request models from
`lance_namespace_urllib3_client.models`. Importing that submodule first runs the client
package's `__init__`, which imports its nine REST API classes (each method wrapped in pydantic's
`validate_call`, a schema built per method) and their HTTP client. Venom opens local tables
only and never calls a REST namespace. Measured with lancedb 0.40: `import lancedb` +72 MB of
RSS in 0.96 s, +58 MB in 0.47 s with the package body deferred; the same table operations
(create, add, update, delete, vector and full-text search, optimize) work either way.

The package module is made from its own spec without running its body, so its submodules
import as before; the first attribute the module does not have yet runs the body, so a
caller that does use the REST client gets the package it would have had.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
from typing import Any

LANCE_REST_CLIENT = "lance_namespace_urllib3_client"


def defer_package_body(name: str) -> bool:
    """Register package `name` with its `__init__` not yet run; False if it is already imported
    or not installed as a package."""
    if name in sys.modules:
        return False
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return False
    module = importlib.util.module_from_spec(spec)
    loader = spec.loader
    lock = threading.RLock()
    ran = False

    def __getattr__(attr: str) -> Any:
        nonlocal ran
        with lock:  # reentrant: the body's own `from package import submodule` asks too
            if not ran:
                ran = True
                loader.exec_module(module)
                return getattr(module, attr)
        raise AttributeError(f"module {name!r} has no attribute {attr!r}")

    module.__getattr__ = __getattr__  # type: ignore[method-assign]  # PEP 562 module __getattr__
    sys.modules[name] = module
    return True
