"""JSON shapes of the 数据中心 dicts, shared by the seller and platform APIs (dates ISO, money in fen)."""

from wanshang.analytics.metrics import METRICS


def period_out(period) -> dict:
    out = {"key": period.key, "label": period.label, "start": period.start.isoformat(), "end": period.end.isoformat(),
           "live_until": period.live_end.isoformat() if period.live_end else None}
    if period.previous is not None:
        out["previous"] = period_out(period.previous)
    return out


def dashboard_out(board: dict) -> dict:
    average = board["category_avg"]
    return {
        "period": period_out(board["period"]),
        "metrics": [{k: c[k] for k in ("key", "label", "kind", "value", "previous", "change", "category_avg")}
                    for c in board["cards"]],
        "category_peers": average["peers"] if average else 0,
        "funnel": board["funnel"],
        "trend": [{**row, "day": row["day"].isoformat()} for row in board["trend"]],
        "sources": board["sources"],
        "definitions": {"bounce_rate": board["bounce_definition"],
                        "units": {m[0]: m[2] for m in METRICS}},
    }
