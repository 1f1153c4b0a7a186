"""Alembic environment of the ledger: always run with the connection the caller opened
(retiree_tools.ledger.engine.upgrade), inside its transaction."""

from alembic import context

from retiree_tools.ledger.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
context.run_migrations()
