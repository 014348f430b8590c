"""Where an inbox message leads: its target (kind + id, set by the inbox from the event) mapped to the seller page
where the shop acts. The inbox app below knows no URL; this face owns the mapping (pages and the API share it)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# target kind → (URL name, takes the id as argument, query or fragment built from the id, link label)
TARGETS = {
    "adlaw_hits": ("sellercenter:adlaw_hits", False, "", _("去修改文字")),
    "adlaw_claims": ("sellercenter:adlaw_claims", False, "", _("查看豁免申请")),
    "health_rules": ("sellercenter:health_rules", False, "#rule-{id}", _("阅读并确认")),
    "health_item": ("sellercenter:health_item", True, "", _("去整改")),
    "health": ("sellercenter:health", False, "", _("查看体检中心")),
    "image_declarations": ("sellercenter:image_declarations", False, "", _("查看图片声明")),
    "patrol_report": ("sellercenter:patrol", False, "?report={id}", _("查看巡检报告")),
}


def target_link(message) -> tuple[str, str]:
    """(URL, label) of the page where the shop acts on `message`; ("", "") when it leads nowhere."""
    found = TARGETS.get(message.target_kind)
    if found is None:
        return "", ""
    name, with_arg, tail, label = found
    target_id = message.target_id or ""
    if with_arg:
        if not target_id.isdigit():
            return "", ""
        return reverse(name, args=[int(target_id)]), str(label)
    return reverse(name) + (tail.format(id=target_id) if target_id else ""), str(label)
