"""Alembic environment: runs against the engine the archive opened (never a second config)."""

from __future__ import annotations

from alembic import context

from storage.models import Base

SEARCH_OBJECTS = ("article_search", "ix_article_versions_search")
"""Created by hand in revision 0002 (FTS5 table, expression index): not in the models."""

config = context.config
engine = config.attributes["engine"]


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    return not (name or "").startswith(SEARCH_OBJECTS)


with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()
