"""region stamp: one row whose ``stamp`` every change of the ``region`` table renews (a
trigger: PostgreSQL from a sequence, SQLite a random number), so a process keeps the region
tree it read and a page reads the stamp alone (``processes.region_tree``)

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-07 20:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None

POSTGRESQL = [
    "CREATE SEQUENCE region_stamp_seq",
    """
    CREATE FUNCTION zongzhi_renew_region_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE region_stamp SET stamp = nextval('region_stamp_seq');
      RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER region_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON region
    FOR EACH STATEMENT EXECUTE FUNCTION zongzhi_renew_region_stamp()
    """,
]
SQLITE = [
    f"""
    CREATE TRIGGER region_{event.lower()} AFTER {event} ON region
    BEGIN UPDATE region_stamp SET stamp = random(); END
    """
    for event in ("INSERT", "UPDATE", "DELETE")
]


def upgrade():
    op.create_table(
        "region_stamp",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stamp", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_region_stamp")),
    )
    op.execute("INSERT INTO region_stamp (id, stamp) VALUES (1, 0)")
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRESQL if postgresql else SQLITE:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS region_changed ON region")
        op.execute("DROP FUNCTION IF EXISTS zongzhi_renew_region_stamp()")
        op.execute("DROP SEQUENCE IF EXISTS region_stamp_seq")
    else:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS region_{event}")
    op.drop_table("region_stamp")
