from tests.storage_backends import database_url, pg_admin_url  # noqa: F401  (fixtures: every storage backend)
