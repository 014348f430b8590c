"""/api/seller/data/… endpoints for this 数据中心 area (placeholder until it is built)."""

from ninja import Router

router = Router()
