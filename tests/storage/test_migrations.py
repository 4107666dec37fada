"""The migrations build exactly the schema the models describe, on every backend."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from storage.db import alembic_config, create_archive_engine, is_modelled, upgrade
from storage.models import Base


def test_migrated_schema_matches_the_models(archive_url):
    engine = create_archive_engine(archive_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "include_object": is_modelled,
            },
        )
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


def test_downgrade_to_base_and_up_again(archive_url):
    engine = create_archive_engine(archive_url)
    command.downgrade(alembic_config(engine), "base")
    with engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    with engine.connect() as conn:
        assert {"articles", "clusters", "fetches"} <= set(inspect(conn).get_table_names())
    engine.dispose()
