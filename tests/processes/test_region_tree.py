"""The region tree kept per process: every change of ``region`` renews the stamp (a
trigger, whoever changes it), and a page then reads the tree again."""

from __future__ import annotations

from sqlalchemy import delete, insert, select, update

from processes.models import Region, RegionStamp
from processes.region_tree import kept_links


def _county(session) -> None:
    session.add_all(
        [
            Region(code="c", name="县", level="县"),
            Region(code="t1", name="甲镇", level="镇", parent_code="c"),
            Region(code="t2", name="乙镇", level="镇", parent_code="c"),
            Region(code="v1", name="一村", level="村", parent_code="t1"),
        ]
    )
    session.commit()


def _stamp(sa_engine) -> int:
    with sa_engine.connect() as connection:
        return connection.scalar(select(RegionStamp.stamp))


def test_every_change_of_the_regions_renews_the_stamp(engine, sa_engine):
    with engine.session_factory() as session:
        _county(session)
    seen = [_stamp(sa_engine)]
    for change in (
        insert(Region).values(code="v2", name="二村", level="村", parent_code="t2"),
        update(Region).where(Region.code == "v2").values(parent_code="t1"),
        delete(Region).where(Region.code == "v2"),
    ):
        with sa_engine.begin() as connection:  # a statement no code of ours makes
            connection.execute(change)
        seen.append(_stamp(sa_engine))
    assert len(set(seen)) == len(seen)


def test_the_tree_is_kept_while_the_stamp_holds_and_read_again_after_a_change(engine, sa_engine):
    with engine.session_factory() as session:
        _county(session)
        first = kept_links(session)
        assert first.subtree("t1") == {"t1", "v1"} and len(first) == 4
    with engine.session_factory() as session:
        assert kept_links(session) is first
    with sa_engine.begin() as connection:  # another process moves a village
        connection.execute(update(Region).where(Region.code == "v1").values(parent_code="t2"))
    with engine.session_factory() as session:
        moved = kept_links(session)
    assert moved is not first
    assert moved.subtree("t1") == {"t1"} and moved.subtree("t2") == {"t2", "v1"}
    assert moved.chain("v1") == ["v1", "t2", "c"]


def test_a_session_sees_its_own_new_region_and_a_rolled_back_one_is_never_served(engine, sa_engine):
    with engine.session_factory() as session:
        _county(session)
        kept = kept_links(session)
    with engine.session_factory() as session:
        session.add(Region(code="g1", name="一网格", level="网格", parent_code="v1"))
        inside = kept_links(session)  # flushed first: the stamp moved with it
        assert inside is not kept and "g1" in inside.subtree("t1")
        session.rollback()
    with engine.session_factory() as session:
        after = kept_links(session)
    assert "g1" not in after.subtree("t1")
    assert after.subtree("c") == kept.subtree("c")
