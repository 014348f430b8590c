"""The inbox's domain-event handlers: each turns one event of an app above it into one message. All run after
the commit (a message may lag, it must not fail the change) and are idempotent: the message's dedupe key is
built from the event's own ids, so a retried handler or a job that published twice writes one message."""

from wanshang.common import events
from wanshang.common.domain_events import (
    AdlawClaimDecided,
    AdlawRescanFound,
    HealthAppealDecided,
    HealthItemDeadlineNear,
    HealthItemOpened,
    HealthPointsGiven,
    ImageDeclarationDecided,
    PatrolReportReady,
    PlatformRuleAcknowledged,
    PlatformRulePublished,
    ShopSanctionChanged,
)
from wanshang.inbox.services import broadcast_mark_read, message_post


def on_adlaw_rescan_found(event: AdlawRescanFound) -> None:
    message_post(
        shop_id=event.shop_id,
        topic_code="adlaw.rescan",
        params={"texts": event.texts, "term_count": event.term_count, "terms": list(event.terms)},
        dedupe_key=f"adlaw.rescan:{event.version}:{event.shop_id}",
        now=event.at,
    )


def on_adlaw_claim_decided(event: AdlawClaimDecided) -> None:
    message_post(
        shop_id=event.shop_id,
        topic_code="adlaw.claim_approved" if event.approved else "adlaw.claim_rejected",
        params={"term": event.term, "reason": event.reason},
        dedupe_key=f"adlaw.claim:{event.claim_id}",  # a claim is decided once (pending → approved/rejected)
        target_id=event.claim_id,
        now=event.at,
    )


def on_platform_rule_published(event: PlatformRulePublished) -> None:
    message_post(
        shop_id=None,  # a broadcast: one row, read per shop
        topic_code="rule.published",
        params={
            "title": event.title,
            "code": event.code,
            "version": event.version,
            "effective_at": event.effective_at.isoformat(),
        },
        dedupe_key=f"rule:{event.rule_id}",
        target_id=event.rule_id,
        now=event.at,
    )


def on_platform_rule_acknowledged(event: PlatformRuleAcknowledged) -> None:
    broadcast_mark_read(
        shop_id=event.shop_id, dedupe_key=f"rule:{event.rule_id}", user_id=event.user_id, now=event.at
    )


def on_health_item_opened(event: HealthItemOpened) -> None:
    message_post(
        shop_id=event.shop_id,
        topic_code="health.item_opened",
        params={"title": event.title, "kind": event.kind, "deadline_at": event.deadline_at.isoformat()},
        dedupe_key=f"health.opened:{event.item_id}",
        target_id=event.item_id,
        now=event.at,
    )


def on_health_deadline_near(event: HealthItemDeadlineNear) -> None:
    message_post(
        shop_id=event.shop_id,
        topic_code="health.deadline_near",
        params={"title": event.title, "deadline_at": event.deadline_at.isoformat()},
        dedupe_key=f"health.deadline:{event.item_id}",
        target_id=event.item_id,
        now=event.at,
    )


def on_health_points_given(event: HealthPointsGiven) -> None:
    message_post(
        shop_id=event.shop_id,
        topic_code="health.points_given",
        params={"title": event.title, "points": event.points},
        dedupe_key=f"health.points:{event.item_id}",  # PenaltyPoint.item is unique: once per item
        target_id=event.item_id,
        now=event.at,
    )


def on_shop_sanction_changed(event: ShopSanctionChanged) -> None:
    message_post(
        shop_id=event.shop_id,
        topic_code="health.sanction_set" if event.active else "health.sanction_lifted",
        params={"sanction_kind": event.kind, "points": event.points},
        dedupe_key=f"health.sanction:{event.audit_id}",
        now=event.at,
    )


def on_health_appeal_decided(event: HealthAppealDecided) -> None:
    message_post(
        shop_id=event.shop_id,
        topic_code="health.appeal_overturned" if event.overturned else "health.appeal_upheld",
        params={"title": event.title, "note": event.note},
        dedupe_key=f"health.appeal:{event.appeal_id}",
        target_id=event.item_id,
        now=event.at,
    )


def on_image_declaration_decided(event: ImageDeclarationDecided) -> None:
    # reviewed again after a new upload: the decision's time tells two reviews of one declaration apart
    stamp = int(event.at.timestamp() * 1_000_000) if event.at else 0
    message_post(
        shop_id=event.shop_id,
        topic_code="image.declaration_approved" if event.approved else "image.declaration_rejected",
        params={"asset_id": event.asset_id, "declaration_kind": event.kind, "reason": event.reason},
        dedupe_key=f"image.declaration:{event.declaration_id}:{stamp}",
        target_id=event.declaration_id,
        now=event.at,
    )


def on_patrol_report_ready(event: PatrolReportReady) -> None:
    message_post(
        shop_id=event.shop_id,
        topic_code="patrol.report",
        params={"day": event.day.isoformat(), "findings": event.findings, "products": event.products_checked},
        dedupe_key=f"patrol.report:{event.report_id}",
        target_id=event.report_id,
        now=event.at,
    )


SUBSCRIPTIONS = [
    (AdlawRescanFound, on_adlaw_rescan_found, events.AFTER_COMMIT),
    (AdlawClaimDecided, on_adlaw_claim_decided, events.AFTER_COMMIT),
    (PlatformRulePublished, on_platform_rule_published, events.AFTER_COMMIT),
    (PlatformRuleAcknowledged, on_platform_rule_acknowledged, events.AFTER_COMMIT),
    (HealthItemOpened, on_health_item_opened, events.AFTER_COMMIT),
    (HealthItemDeadlineNear, on_health_deadline_near, events.AFTER_COMMIT),
    (HealthPointsGiven, on_health_points_given, events.AFTER_COMMIT),
    (ShopSanctionChanged, on_shop_sanction_changed, events.AFTER_COMMIT),
    (HealthAppealDecided, on_health_appeal_decided, events.AFTER_COMMIT),
    (ImageDeclarationDecided, on_image_declaration_decided, events.AFTER_COMMIT),
    (PatrolReportReady, on_patrol_report_ready, events.AFTER_COMMIT),
]
