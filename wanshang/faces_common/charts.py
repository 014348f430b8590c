"""ECharts options built on the server (rendered with json_script, drawn by static/js/charts.js)."""

from django.utils.translation import gettext

from wanshang.common.money import fen_to_yuan_str


def _yuan(fen) -> float:
    return float(fen_to_yuan_str(int(fen or 0)))


def trend(rows: list[dict]) -> dict:
    days = [r["day"].strftime("%m-%d") for r in rows]
    uv, buyers, amount = gettext("访客数"), gettext("支付买家数"), gettext("支付金额(元)")
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [uv, buyers, amount], "top": 0},
        "grid": {"left": 48, "right": 56, "top": 56, "bottom": 28},
        "xAxis": {"type": "category", "data": days},
        "yAxis": [{"type": "value", "name": gettext("人")}, {"type": "value", "name": gettext("元")}],
        "series": [
            {"name": uv, "type": "line", "smooth": True, "data": [r["uv"] for r in rows]},
            {"name": buyers, "type": "line", "smooth": True, "data": [r["paid_buyers"] for r in rows]},
            {
                "name": amount,
                "type": "bar",
                "yAxisIndex": 1,
                "data": [_yuan(r["paid_fen"]) for r in rows],
                "itemStyle": {"opacity": 0.45},
            },
        ],
    }


def funnel(steps: list[dict]) -> dict:
    return {
        "tooltip": {"trigger": "item", "formatter": "{b}: {c}"},
        "series": [
            {
                "type": "funnel",
                "sort": "none",
                "left": "10%",
                "width": "80%",
                "minSize": "8%",
                "label": {"show": True, "position": "inside", "formatter": "{b} {c}"},
                "data": [{"name": gettext(s["label"]), "value": s["count"]} for s in steps],
            }
        ],
    }


def pie(rows: list[dict], *, value_key: str = "visitors", name: str = "") -> dict:
    return {
        "tooltip": {"trigger": "item", "formatter": "{b}: {c} ({d}%)"},
        "legend": {"bottom": 0},
        "series": [
            {
                "name": name,
                "type": "pie",
                "radius": ["38%", "66%"],
                "data": [{"name": r["label"], "value": r[value_key]} for r in rows if r.get(value_key)],
            }
        ],
    }


def share_bars(rows: list[dict], *, left: str, right: str, left_name: str, right_name: str) -> dict:
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [left_name, right_name]},
        "grid": {"left": 48, "right": 16, "top": 36, "bottom": 28},
        "xAxis": {"type": "category", "data": [r["label"] for r in rows]},
        "yAxis": {"type": "value", "axisLabel": {"formatter": "{value}%"}},
        "series": [
            {"name": left_name, "type": "bar", "data": [round((r[left] or 0) * 100, 2) for r in rows]},
            {"name": right_name, "type": "bar", "data": [round((r[right] or 0) * 100, 2) for r in rows]},
        ],
    }


def dsr_trend(rows) -> dict:
    """The shop's daily DSR (描述相符, 服务态度, 物流服务) as three lines on a 1–5 axis."""
    names = [
        ("description", gettext("描述相符")),
        ("service", gettext("服务态度")),
        ("logistics", gettext("物流服务")),
    ]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [label for _key, label in names], "top": 0},
        "grid": {"left": 40, "right": 16, "top": 40, "bottom": 28},
        "xAxis": {"type": "category", "data": [r.day.strftime("%m-%d") for r in rows]},
        "yAxis": {"type": "value", "min": 1, "max": 5},
        "series": [
            {
                "name": label,
                "type": "line",
                "smooth": True,
                "connectNulls": True,
                "data": [getattr(r, key) for r in rows],
            }
            for key, label in names
        ],
    }
