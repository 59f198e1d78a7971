"""expect written: PostgreSQL function ``zongzhi_expect_written(written, expected)``, which
fails the statement calling it (serialization failure) when a step's version-checked
instance updates wrote fewer rows than expected; the step's write then carries its
``COMMIT`` with it (``engine.pipelining``) and is never committed half-checked

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-07 11:00:00

"""

from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None

FUNCTION = """
CREATE OR REPLACE FUNCTION zongzhi_expect_written(written bigint, expected bigint)
RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
  IF written IS DISTINCT FROM expected THEN
    RAISE EXCEPTION 'zongzhi: an instance row was changed by another transaction'
      USING ERRCODE = 'serialization_failure';
  END IF;
  RETURN written;
END
$$
"""


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(FUNCTION)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS zongzhi_expect_written(bigint, bigint)")
