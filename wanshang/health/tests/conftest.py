import pytest

from wanshang.health import kinds


@pytest.fixture
def fake_kind():
    """A registered per-object item kind whose verifier answers from `state` (the plug-in shape for others)."""
    state = {"fixed": None}
    kind = kinds.register_kind(
        kinds.ItemKind(
            key="test_object",
            label="测试对象问题",
            points=2,
            verify=lambda *, shop_id, ref, now: state["fixed"],
        )
    )
    yield state
    kinds._KINDS.pop(kind.key, None)


@pytest.fixture
def points_rule(settings):
    """points_rule(kind, points): the published points of a kind."""

    def set_rule(kind, points):
        rules = dict(settings.WANSHANG["HEALTH_RULES"])
        rules[kind] = {**rules.get(kind, {}), "points": points}
        settings.WANSHANG = {**settings.WANSHANG, "HEALTH_RULES": rules}

    return set_rule
