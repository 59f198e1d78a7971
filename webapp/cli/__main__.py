"""``python -m webapp.cli`` (the scheduler child of ``zongzhi serve`` starts this way)."""

from . import main

main()
