"""An index for the weekly handover progress (acceptance-report --db): the handover dates of the
current people are read from the index instead of a scan of every person.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_people_current_handover", "people", ["current", "handed_over_on"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_people_current_handover", table_name="people")
