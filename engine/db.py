"""The Flask-SQLAlchemy handle every model of the project is declared on.

The engine owns it because the engine's tables (versions, instances, projections,
history) are the foundation; the web and domain layers add their own models to the
same metadata so one Alembic history covers them all.
"""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

STEPS_BIND = "steps"
"""PostgreSQL: the bind whose pool serves the engine's units of work only (the same
database; see ``engine.prepared`` for why they have connections of their own)."""
