"""What each kind of message says: its category, severity, title and body, written for translation and filled
with the message's plain `params` when it is shown, so a shop reading in English sees English. The stored
`title` / `body` are the same texts rendered in the default language when the message was written (for a
topic this table no longer knows, and for anything reading the rows directly)."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from wanshang.inbox.models import Kind, Severity
from wanshang.merchants.selectors import SANCTION_LABELS

DECLARATION_LABELS = {"brand": _("品牌标识"), "portrait": _("人物肖像")}


@dataclass(frozen=True)
class Topic:
    kind: str
    severity: str
    title: object  # a lazy translation with %(name)s placeholders
    body: object
    target_kind: str  # where the shop acts (the seller face maps it to a page)


TOPICS: dict[str, Topic] = {
    "adlaw.rescan": Topic(
        Kind.ADLAW,
        Severity.WARNING,
        _("广告法用语复查：%(texts)s 处文字出现新的违规用语"),
        _(
            "用语表更新后复查，店铺 %(texts)s 处买家可见的文字新出现 %(term_count)s 个用语（%(terms)s）。请修改文字，或为符合豁免情形的用法提交豁免申请。"
        ),
        "adlaw_hits",
    ),
    "adlaw.claim_approved": Topic(
        Kind.ADLAW,
        Severity.INFO,
        _("广告法豁免申请已通过：%(term)s"),
        _("平台已通过“%(term)s”的豁免申请：%(reason)s。豁免只适用于申请中的那段文字。"),
        "adlaw_claims",
    ),
    "adlaw.claim_rejected": Topic(
        Kind.ADLAW,
        Severity.WARNING,
        _("广告法豁免申请被驳回：%(term)s"),
        _("平台驳回了“%(term)s”的豁免申请：%(reason)s。请修改相关文字。"),
        "adlaw_claims",
    ),
    "rule.published": Topic(
        Kind.RULE,
        Severity.WARNING,
        _("平台规则发布：%(title)s（第 %(version)s 版）"),
        _("平台发布了规则“%(title)s”第 %(version)s 版，%(effective)s 起生效。请阅读并确认。"),
        "health_rules",
    ),
    "health.item_opened": Topic(
        Kind.HEALTH,
        Severity.WARNING,
        _("体检中心发现问题：%(title)s"),
        _("店铺体检发现问题“%(title)s”，请在 %(deadline)s 前整改并标记已整改，逾期未整改将扣分。"),
        "health_item",
    ),
    "health.deadline_near": Topic(
        Kind.HEALTH,
        Severity.CRITICAL,
        _("整改即将到期：%(title)s"),
        _("体检项“%(title)s”的整改期限 %(deadline)s 即将到期，逾期未整改将扣分。"),
        "health_item",
    ),
    "health.points_given": Topic(
        Kind.HEALTH,
        Severity.CRITICAL,
        _("逾期未整改，扣 %(points)s 分：%(title)s"),
        _("体检项“%(title)s”在期限内未整改，已扣 %(points)s 分。如有异议可以申诉。"),
        "health_item",
    ),
    "health.sanction_set": Topic(
        Kind.HEALTH,
        Severity.CRITICAL,
        _("处罚生效：%(sanction)s"),
        _(
            "店铺体检扣分累计 %(points)s 分，达到“%(sanction)s”处罚线，处罚已生效。扣分到期或申诉成功后自动解除。"
        ),
        "health",
    ),
    "health.sanction_lifted": Topic(
        Kind.HEALTH,
        Severity.INFO,
        _("处罚解除：%(sanction)s"),
        _("店铺体检扣分降至 %(points)s 分，“%(sanction)s”处罚已解除。"),
        "health",
    ),
    "health.appeal_upheld": Topic(
        Kind.HEALTH,
        Severity.WARNING,
        _("申诉结果：维持原判（%(title)s）"),
        _("平台维持了体检项“%(title)s”的处理：%(note)s"),
        "health_item",
    ),
    "health.appeal_overturned": Topic(
        Kind.HEALTH,
        Severity.INFO,
        _("申诉成功：%(title)s"),
        _("平台撤销了体检项“%(title)s”的处理及扣分：%(note)s"),
        "health_item",
    ),
    "image.declaration_approved": Topic(
        Kind.IMAGE,
        Severity.INFO,
        _("图片授权声明已通过（%(declared)s）"),
        _("平台已审核通过图片 #%(asset_id)s 的%(declared)s授权文件。"),
        "image_declarations",
    ),
    "image.declaration_rejected": Topic(
        Kind.IMAGE,
        Severity.WARNING,
        _("图片授权声明被驳回（%(declared)s）"),
        _("平台驳回了图片 #%(asset_id)s 的%(declared)s授权文件：%(reason)s。请重新上传授权或更换图片。"),
        "image_declarations",
    ),
    "patrol.report": Topic(
        Kind.PATROL,
        Severity.WARNING,
        _("日常巡检（%(day)s）：发现 %(findings)s 个问题"),
        _("今日巡检检查了 %(products)s 个在售商品，发现 %(findings)s 个问题，部分可一键修复。"),
        "patrol_report",
    ),
}


def topic(code: str) -> Topic | None:
    return TOPICS.get(code)


def _when(value) -> str:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(moment) else str(value)


def _prepared(params: dict) -> dict:
    """The params with their display forms: times in local time, codes as labels in the active language."""
    shown = dict(params)
    if "deadline_at" in params:
        shown["deadline"] = _when(params["deadline_at"])
    if "effective_at" in params:
        shown["effective"] = _when(params["effective_at"])
    if "sanction_kind" in params:
        shown["sanction"] = str(SANCTION_LABELS.get(params["sanction_kind"], params["sanction_kind"]))
    if "declaration_kind" in params:
        label = DECLARATION_LABELS.get(params["declaration_kind"], params["declaration_kind"])
        shown["declared"] = str(label)
    if isinstance(params.get("terms"), list):
        shown["terms"] = gettext_now("、").join(str(t) for t in params["terms"])
    return shown


def _fill(template, params: dict) -> str:
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):  # params of an older shape: the stored text is shown instead
        return ""


def render(code: str, params: dict) -> tuple[str, str]:
    """(title, body) of a topic in the active language; ("", "") when the topic is unknown or its params do
    not fit (the caller then shows the stored texts)."""
    found = TOPICS.get(code)
    if found is None:
        return "", ""
    shown = _prepared(params)
    return _fill(found.title, shown), _fill(found.body, shown)
