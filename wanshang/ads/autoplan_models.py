"""全站推广 (goal-based plans): an `AdPlan` of kind `auto` with its target 投产比 and the hourly λ controller's
state, and one row per plan and hour the controller stepped. The promoted products are the plan's `AdGroup`s
(one per product) and their keywords are derived from each product's title and category (`autoplans.py`).
Rules: docs/ads.md, "全站推广".

No floats in the database: the target is integer hundredths (300 = 3.00), λ integer millionths, the smoothed
spend and GMV integer fen."""

from django.db import models
from django.db.models import Q

from wanshang.common.scoping import ShopOwnedManager

ROAS_SCALE = 100  # target_roas_centi / ROAS_SCALE = the target 投产比
LAMBDA_SCALE = 1_000_000


class AutoPlan(models.Model):
    """The goal of a 全站推广 plan and the controller's state (`engine.autobid.AutoBidState`)."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="+")
    plan = models.OneToOneField("ads.AdPlan", on_delete=models.CASCADE, related_name="auto")
    target_roas_centi = models.PositiveIntegerField("目标投产比（×100）")
    lambda_goal_micro = models.BigIntegerField(default=LAMBDA_SCALE)
    lambda_budget_micro = models.BigIntegerField(default=10 * LAMBDA_SCALE)
    spend_avg_fen = models.BigIntegerField(default=0)
    gmv_avg_fen = models.BigIntegerField(default=0)
    budget_limited_hours = models.PositiveIntegerField(default=0)
    hours = models.PositiveIntegerField(default=0)
    # the start of the last hour the controller stepped (None: never); the tick steps each later whole hour once
    stepped_hour = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShopOwnedManager()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(target_roas_centi__gt=0), name="ad_auto_target_positive"),
            models.CheckConstraint(condition=Q(lambda_goal_micro__gt=0), name="ad_auto_lambda_positive"),
        ]

    @property
    def target_roas(self) -> float:
        return self.target_roas_centi / ROAS_SCALE

    @property
    def lam(self) -> float:
        return min(self.lambda_goal_micro, self.lambda_budget_micro) / LAMBDA_SCALE


class AutoPlanHour(models.Model):
    """One hour the controller stepped for a plan: what the plan spent and earned in it and λ after it. Unique
    per plan and hour, so a repeated or overlapping tick never steps an hour twice."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey("ads.AdPlan", on_delete=models.CASCADE, related_name="auto_hours")
    hour = models.DateTimeField()  # the hour's start
    spend_fen = models.BigIntegerField(default=0)
    gmv_fen = models.BigIntegerField(default=0)
    spent_today_fen = models.BigIntegerField(default=0)
    planned_today_fen = models.BigIntegerField(default=0)
    lambda_micro = models.BigIntegerField()  # min(λ_goal, λ_budget) after the step
    lambda_goal_micro = models.BigIntegerField()
    budget_limited = models.BooleanField(default=False)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["hour"]
        constraints = [models.UniqueConstraint(fields=["plan", "hour"], name="ad_auto_hour_once")]
