"""/api/platform/data/…: marketplace-wide 数据中心 figures for operators."""

from ninja import Router

from wanshang.platform.api_data_trade import router as trade_router

router = Router()
router.add_router("", trade_router)
