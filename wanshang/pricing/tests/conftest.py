"""Pricing test helpers."""

import pytest

# `shop` (shared fixtures): an approved shop with the default freight template (¥10 the first piece, ¥5 each
# further piece, free from ¥99).

BEIJING = "110105"  # 北京 朝阳区
SHANGHAI = "310101"  # 上海 黄浦区


@pytest.fixture
def own_steps(monkeypatch):
    """The pricing pipeline with no registered steps but the ones the test registers (marketing's are set aside)."""
    from wanshang.pricing import engine

    monkeypatch.setattr(engine, "_STEPS", [])
    return engine.register_step


@pytest.fixture
def set_default_freight(shop):
    """set_default_freight(**fields) → the shop's default template replaced by one with these fields."""
    from wanshang.fulfillment.selectors import freight_template_list
    from wanshang.fulfillment.services import freight_template_save

    def change(**fields):
        default = next(t for t in freight_template_list(shop=shop) if t.is_default)
        values = {
            "name": default.name,
            "mode": "piece",
            "first_units": 1,
            "first_fen": 1000,
            "additional_units": 1,
            "additional_fen": 500,
            "free_threshold_fen": 9900,
            **fields,
        }
        return freight_template_save(shop=shop, template_id=default.pk, is_default=True, **values)

    return change
