"""Alembic environment: runs against the engine the archive opened (never a second config)."""

from __future__ import annotations

from alembic import context

from storage.db import is_modelled
from storage.models import Base

config = context.config
engine = config.attributes["engine"]


with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=is_modelled,
    )
    with context.begin_transaction():
        context.run_migrations()
