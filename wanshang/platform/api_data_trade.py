"""/api/platform/data/… trade report and alerts (placeholder until it is built)."""

from ninja import Router

router = Router()
