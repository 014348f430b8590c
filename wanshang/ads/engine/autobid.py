"""全站推广: goal-based bidding for a target 投产比 (ROAS = GMV ÷ spend) under a daily budget.

bid = λ × pCVR × E[order value] ÷ target ROAS, per click, in fen (floored; capped by `max_bid_fen`).
With λ = 1 the bid is exactly the click's value at the target; second price charges less than the bid, so the
achieved ROAS comes out above the target and λ may rise. Each hour a feedback controller moves

    λ_goal ← clip(λ_goal × (achieved ÷ target)^η)

with achieved = the exponentially smoothed GMV ÷ the smoothed spend of the past hours (orders are rare: one
hour alone is noise), and with a budget

    λ_budget ← clip(λ_budget × (1 ∓ r))  (ahead of / behind the traffic-weighted plan of `pacing`)

and bids with λ = min(λ_goal, λ_budget). `limits` says why delivery was held back: the budget, a target too
high for the traffic, or a low quality score.
"""

import math
from dataclasses import dataclass, replace

from django.utils.translation import gettext as _


@dataclass(frozen=True, slots=True)
class AutoBidSettings:
    gain: float = 0.5  # η
    budget_step: float = 0.2  # r
    smoothing: float = 0.1  # weight of the newest hour in the smoothed spend and GMV
    prior_spend_fen: float = 2_000.0  # pseudo-spend at the target return that thin hours lean on
    max_hourly_change: tuple[float, float] = (0.5, 2.0)  # bounds of achieved ÷ target in one update
    explore: float = 1.05  # λ's rise after an hour with no spend at all
    lambda_bounds: tuple[float, float] = (0.1, 10.0)
    max_bid_fen: int = 99_900  # ¥999: a bid cap the merchant cannot exceed through λ


DEFAULT = AutoBidSettings()


@dataclass(frozen=True, slots=True)
class AutoBidState:
    lambda_goal: float = 1.0
    lambda_budget: float = 10.0
    spend_avg_fen: float = 0.0
    gmv_avg_fen: float = 0.0
    budget_limited_hours: int = 0
    hours: int = 0

    @property
    def lam(self) -> float:
        return min(self.lambda_goal, self.lambda_budget)


def target_roas_bid(
    *,
    lam: float,
    pcvr: float,
    order_value_fen: int,
    target_roas: float,
    max_bid_fen: int = DEFAULT.max_bid_fen,
) -> int:
    """The click bid in fen: ⌊λ × pCVR × E[order value] ÷ target⌋, at most `max_bid_fen`, 0 for no bid."""
    if target_roas <= 0:
        raise ValueError("the target 投产比 must be positive")
    return max(0, min(max_bid_fen, math.floor(lam * pcvr * order_value_fen / target_roas)))


def _clip(x: float, bounds: tuple[float, float]) -> float:
    return min(max(x, bounds[0]), bounds[1])


def after_hour(
    state: AutoBidState,
    *,
    spend_fen: int,
    gmv_fen: int,
    target_roas: float,
    spent_today_fen: int | None = None,
    planned_today_fen: int | None = None,
    settings: AutoBidSettings = DEFAULT,
) -> AutoBidState:
    """λ for the next hour from the hour just ended (its spend and attributed GMV) and, with a budget, today's
    spend against the plan (`pacing.planned_spend_fen`)."""
    a = settings.smoothing
    spend_avg = (1 - a) * state.spend_avg_fen + a * spend_fen
    gmv_avg = (1 - a) * state.gmv_avg_fen + a * gmv_fen
    goal = state.lambda_goal
    prior = settings.prior_spend_fen
    if spend_avg >= prior:
        # thin data (a few clicks, no order yet) leans toward "on target", not toward a return of zero
        achieved = (gmv_avg + target_roas * prior) / (spend_avg + prior)
        ratio = _clip(achieved / target_roas, settings.max_hourly_change)
        goal = _clip(goal * ratio**settings.gain, settings.lambda_bounds)
    else:
        goal = _clip(
            goal * settings.explore, settings.lambda_bounds
        )  # won next to nothing: bid a little higher
    budget = state.lambda_budget
    if planned_today_fen is not None and spent_today_fen is not None:
        if spent_today_fen > planned_today_fen:
            budget = min(budget, goal) * (1 - settings.budget_step)
        elif spent_today_fen < planned_today_fen:
            budget = budget * (1 + settings.budget_step)
        budget = _clip(budget, settings.lambda_bounds)
    limited = 1 if budget < goal else 0
    return replace(
        state,
        lambda_goal=goal,
        lambda_budget=budget,
        spend_avg_fen=spend_avg,
        gmv_avg_fen=gmv_avg,
        budget_limited_hours=state.budget_limited_hours + limited,
        hours=state.hours + 1,
    )


@dataclass(frozen=True, slots=True)
class DeliveryStats:
    """A goal plan's day (or period) as the report reads it."""

    budget_fen: int
    spent_fen: int
    gmv_fen: int
    target_roas: float
    auctions_entered: int
    auctions_won: int
    mean_quality_display: float  # the 1–10 quality score of its keywords, impression-weighted
    budget_limited_hours: int = 0
    hours: int = 24
    lambda_goal: float = 1.0


@dataclass(frozen=True, slots=True)
class Limit:
    code: str  # "budget" | "target" | "quality"
    text: str


def limits(stats: DeliveryStats, settings: AutoBidSettings = DEFAULT) -> list[Limit]:
    """Why delivery was limited, most important first; empty when nothing held it back."""
    out = []
    spent_share = stats.spent_fen / stats.budget_fen if stats.budget_fen else 0.0
    if spent_share >= 0.95 or (stats.hours and stats.budget_limited_hours / stats.hours >= 0.25):
        out.append(
            Limit(
                "budget",
                _(
                    "预算不足：花费已达日预算的 %(share)s%%，预算限制了 %(hours)s 小时的投放；提高日预算可获得更多流量。"
                )
                % {"share": round(spent_share * 100), "hours": stats.budget_limited_hours},
            )
        )
    win_rate = stats.auctions_won / stats.auctions_entered if stats.auctions_entered else 0.0
    achieved = stats.gmv_fen / stats.spent_fen if stats.spent_fen else 0.0
    pinned = stats.lambda_goal <= settings.lambda_bounds[0] * 1.01
    if stats.auctions_entered and (pinned or (win_rate < 0.1 and achieved < stats.target_roas)):
        out.append(
            Limit(
                "target",
                _(
                    "目标投产比过高：为达到 %(target)s 的目标，出价被压低，竞得率仅 %(win)s%%；适当降低目标可获得更多成交。"
                )
                % {"target": f"{stats.target_roas:g}", "win": round(win_rate * 100)},
            )
        )
    if stats.mean_quality_display and stats.mean_quality_display <= 4:
        out.append(
            Limit(
                "quality",
                _("质量分偏低（平均 %(score)s 分）：相同出价排名更靠后；优化主图、标题和关键词相关性。")
                % {"score": f"{stats.mean_quality_display:.1f}"},
            )
        )
    return out
