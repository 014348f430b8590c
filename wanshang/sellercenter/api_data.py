"""/api/seller/data/…: the 数据中心 through the JSON API, the same selectors as the pages.

Every handler takes the shop from the caller's staff membership (data.view permission), never from the request.
"""

from ninja import Router

from wanshang.sellercenter.api_data_customers import router as customers_router
from wanshang.sellercenter.api_data_experiments import router as experiments_router
from wanshang.sellercenter.api_data_trade import router as trade_router

router = Router()
router.add_router("", trade_router)
router.add_router("", customers_router)
router.add_router("", experiments_router)
