"""Storage behind a small interface (`base.Storage`); SQLite through SQLAlchemy is the default."""
