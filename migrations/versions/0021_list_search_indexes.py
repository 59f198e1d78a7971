"""list indexes: cases by risk colour with their instance (the work list's red tasks); pg_trgm
GIN indexes on case codes, party phones and names, so a part of a code or a phone's last
digits is found without reading every row (PostgreSQL only; SQLite scans for a part)

Revision ID: 0021
Revises: 0019
Create Date: 2026-12-07 00:10:00

"""

from alembic import op


revision = "0021"
down_revision = "0019"
branch_labels = None
depends_on = None

TRIGRAM = [  # index, table, column
    ("ix_dispute_case_code_trgm", "dispute_case", "code"),
    ("ix_party_phone_trgm", "party", "phone"),
    ("ix_party_name_trgm", "party", "name"),
]


def upgrade():
    with op.batch_alter_table("dispute_case", schema=None) as batch_op:
        batch_op.create_index(
            "ix_dispute_case_risk_instance", ["risk_colour", "instance_id"], unique=False
        )
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in TRIGRAM:
        op.create_index(
            name,
            table,
            [column],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={column: "gin_trgm_ops"},
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name, table, _column in TRIGRAM:
            op.drop_index(name, table_name=table)
    with op.batch_alter_table("dispute_case", schema=None) as batch_op:
        batch_op.drop_index("ix_dispute_case_risk_instance")
