"""LanceDB's REST namespace client package runs its body only when asked (venom_core/memory/deferred_import.py)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT
from venom_core.memory.deferred_import import defer_package_body

# In a fresh interpreter: this test process may have imported lancedb already.
CODE = """
import sys, tempfile
import pyarrow as pa
from venom_core.memory.embedder import import_profile
lancedb = import_profile()["lancedb"]
db = lancedb.connect(tempfile.mkdtemp())
rows = pa.table({"vector": pa.array([[float(i), 1.0] for i in range(20)], pa.list_(pa.float32(), 2)),
                 "id": list(range(20)), "text": [f"note number {i}" for i in range(20)]})
table = db.create_table("t", rows)
table.create_fts_index("text")
table.add(rows.slice(0, 2))
table.update(where="id = 4", values={"text": "changed"})
table.delete("id = 3")
db.open_table("t").optimize()
near = table.search([5.0, 1.0]).limit(1).to_list()[0]["id"]
found = table.search("number", query_type="fts").limit(1).to_list()
print(near, len(found), table.count_rows(), "lance_namespace_urllib3_client.api.table_api" in sys.modules)
import lance_namespace_urllib3_client as client
print(client.ApiClient.__name__, "lance_namespace_urllib3_client.api.table_api" in sys.modules)
"""


def test_local_tables_work_without_the_rest_client_and_it_loads_when_asked() -> None:
    out = subprocess.run([sys.executable, "-W", "ignore", "-c", CODE], capture_output=True, text=True, cwd=ROOT,
                         timeout=300, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["5", "1", "21", "False", "ApiClient", "True"], out.stdout


def test_an_imported_or_missing_package_is_left_alone() -> None:
    assert not defer_package_body("json")  # imported already
    assert not defer_package_body("venom_no_such_package")
