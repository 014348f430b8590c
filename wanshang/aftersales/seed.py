"""The platform's starting list of after-sales reasons: loaded by migration 0003 and, after a test database is
flushed, by `services.reasons_ensure_seeded` (the operator edits the list afterwards)."""

# name, refund only, return, exchange, fault, no-reason (七天无理由)
REASONS = [
    ("质量问题", True, True, True, "shop", False),
    ("描述不符", True, True, True, "shop", False),
    ("少件/错发", True, True, True, "shop", False),
    ("未收到货", True, False, False, "shop", False),
    ("七天无理由", False, True, True, "buyer", True),
    ("不想要了", True, True, False, "buyer", False),
    ("拍错/多拍", True, True, True, "buyer", False),
    ("尺码/规格不合适", False, True, True, "buyer", False),
    ("其他", True, True, True, "buyer", False),
]


def seed_reasons(CaseReason) -> int:
    """Add the reasons missing from the table (by name); edited ones stay as they are. Returns how many were added."""
    added = 0
    for position, (name, ro, rt, ex, fault, no_reason) in enumerate(REASONS):
        _row, created = CaseReason.objects.get_or_create(
            name=name,
            defaults={
                "for_refund_only": ro,
                "for_return": rt,
                "for_exchange": ex,
                "fault": fault,
                "no_reason": no_reason,
                "position": position * 10,
            },
        )
        added += created
    return added
