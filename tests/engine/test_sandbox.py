from engine.sandbox import duration


def test_x():
    assert duration(days=1) == "P1D"
