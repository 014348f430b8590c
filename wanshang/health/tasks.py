"""The 体检中心's jobs. Both select their work from the database, so a repeated run does nothing twice and a
missed run catches up: indicators are stored per day (a second run replaces the day), an overdue item is
penalised by a conditional update (once, whenever the run comes) with its points counted from its deadline."""

from wanshang.common.scheduler import register
from wanshang.health.services import deadlines_run, indicators_compute


@register("health.indicators", every_seconds=24 * 3600)
def indicators(now) -> int:
    return indicators_compute(now=now)


@register("health.deadlines", every_seconds=600)
def deadlines(now) -> int:
    return deadlines_run(now=now)
