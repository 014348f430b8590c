"""广告法用语: the shop's texts with hits (highlighted, with the suggested wording), and its exemption claims
(file with evidence, withdraw). The hit helpers are also used by the product form and the shop settings."""

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from wanshang.adlaw.selectors import SOURCE_CHOICES, evidence_get, open_hits, shop_claims
from wanshang.adlaw.services import claim_file, claim_withdraw
from wanshang.common.web import form_errors
from wanshang.merchants import permissions as P
from wanshang.sellercenter.access import seller_render, seller_view
from wanshang.sellercenter.forms import AdlawClaimForm

SOURCE_LABELS = dict(SOURCE_CHOICES)
FIELD_LABELS = {
    "title": _("标题"),
    "subtitle": _("副标题"),
    "detail_html": _("详情"),
    "name": _("名称"),
    "description": _("简介"),
}
CONTEXT = 14


MODULE_FIELD_LABELS = {
    "heading": _("第 %(n)s 个模块的小标题"),
    "text": _("第 %(n)s 个模块的文字"),
    "alt": _("第 %(n)s 个模块的图片说明"),
    "label": _("第 %(n)s 个模块的按钮文字"),
}


def _field_label(field: str):
    if field.startswith("sku."):
        return _("规格名称")
    key, _dot, n = field.partition(".")
    if key in MODULE_FIELD_LABELS and n:  # 店铺活动页 modules: <key>.<position>
        return MODULE_FIELD_LABELS[key] % {"n": n}
    return FIELD_LABELS.get(field, field)


def _link(row):
    if row.source == "product":
        return ("sellercenter:product_edit", row.source_id)
    if row.source == "shop":
        return ("sellercenter:shop_settings", None)
    if row.source == "campaign":
        return ("sellercenter:shop_page_edit", row.source_id)
    return None


def hit_parts(text: str, hit) -> dict:
    """The hit in its original wording with a little context either side, for a <mark>."""
    return {
        "hit": hit,
        "before": ("…" if hit.start > CONTEXT else "") + text[max(0, hit.start - CONTEXT) : hit.start],
        "match": text[hit.start : hit.end],
        "after": text[hit.end : hit.end + CONTEXT] + ("…" if hit.end + CONTEXT < len(text) else ""),
    }


def hit_rows(text_hits) -> list[dict]:
    return [
        {
            "row": row,
            "source_label": SOURCE_LABELS.get(row.source, row.source),
            "field_label": _field_label(row.field),
            "link": _link(row),
            "hits": [hit_parts(row.text, h) for h in row.hits],
        }
        for row in text_hits
    ]


def warnings_message(request, warnings: dict) -> None:
    """After a save: one flash message listing the warn terms (the page shows them inline too)."""
    terms = sorted({h.term for hits in warnings.values() for h in hits})
    if terms:
        messages.warning(
            request,
            _("已保存，但含有广告法提醒用语：%(terms)s。建议修改，或在“广告法用语”中申请豁免。")
            % {"terms": "、".join(terms)},
        )


@seller_view(P.PRODUCT_EDIT)
def hits_view(request):
    source = request.GET.get("source") or None
    if source not in SOURCE_LABELS:
        source = None
    rows = hit_rows(open_hits(shop=request.shop, source=source))
    return seller_render(
        request,
        "sellercenter/adlaw/hits.html",
        {"rows": rows, "sources": SOURCE_CHOICES, "source": source},
        active="adlaw_hits",
    )


@seller_view(P.PRODUCT_EDIT)
def claims_view(request):
    status = 200
    if request.method == "POST":
        form = AdlawClaimForm(request.POST)
        if form.is_valid():
            with form_errors(form) as outcome:
                claim_file(
                    shop=request.shop,
                    user=request.user,
                    files=request.FILES.getlist("evidence"),
                    **form.cleaned_data,
                )
                messages.success(request, _("豁免申请已提交，等待平台审核"))
                return redirect("sellercenter:adlaw_claims")
            status = outcome.status
        else:
            status = 400
    else:
        form = AdlawClaimForm(initial={k: request.GET.get(k, "")[:200] for k in ("term", "text")})
    return seller_render(
        request,
        "sellercenter/adlaw/claims.html",
        {"form": form, "claims": shop_claims(shop=request.shop)},
        status=status,
        active="adlaw_claims",
    )


@require_POST
@seller_view(P.PRODUCT_EDIT)
def claim_withdraw_view(request, claim_id: int):
    claim_withdraw(shop=request.shop, claim_id=claim_id)  # another shop's claim: NotFound → 404
    messages.success(request, _("豁免申请已撤回"))
    return redirect("sellercenter:adlaw_claims")


@seller_view(P.PRODUCT_EDIT)
def evidence_view(request, evidence_id: int):
    row = evidence_get(evidence_id=evidence_id, shop=request.shop)
    return FileResponse(row.file.open("rb"), as_attachment=True, filename=row.name)
