"""广告法用语 (platform): the term list (add, edit, deactivate, import the repository's file) and shops'
exemption claims to review with a reason."""

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from wanshang.adlaw.selectors import (
    CLAIM_STATUSES,
    FAMILY_CHOICES,
    evidence_get,
    list_version,
    platform_claim_get,
    platform_claims,
    term_get,
    term_list,
)
from wanshang.adlaw.services import claim_decide, term_save, term_set_active, terms_import
from wanshang.common.web import form_errors, message_errors
from wanshang.platform.access import operator_view
from wanshang.platform.forms import AdlawDecisionForm, AdlawTermForm
from wanshang.platform.views._util import page_of


@operator_view
def term_index(request):
    family = request.GET.get("family") or ""
    q = (request.GET.get("q") or "").strip()[:40]
    active = {"1": True, "0": False}.get(request.GET.get("active", ""))
    rows = term_list(family=family if family in dict(FAMILY_CHOICES) else None, q=q, active=active)
    return render(
        request,
        "platform/adlaw/terms.html",
        {
            "nav": "adlaw",
            "page": page_of(request, rows, per_page=50),
            "families": FAMILY_CHOICES,
            "family": family,
            "q": q,
            "active": request.GET.get("active", ""),
            "version": list_version(),
        },
    )


def _initial(term) -> dict:
    return {
        "text": term.text,
        "family": term.family,
        "severity": term.severity,
        "strict_categories": term.strict_categories,
        "explanation": term.explanation,
        "replacements": "，".join(term.replacements),
        "allowed_words": "，".join(term.allowed_words),
        "is_active": term.is_active,
    }


@operator_view
def term_edit(request, term_id=None):
    term = term_get(term_id=term_id) if term_id is not None else None  # unknown id: NotFound → 404
    status = 200
    if request.method == "POST":
        form = AdlawTermForm(request.POST)
        if form.is_valid():
            with form_errors(form) as outcome:
                saved = term_save(term_id=term_id, **form.cleaned_data)
                messages.success(request, _("用语“%(t)s”已保存，用语表已更新") % {"t": saved.text})
                return redirect("platform:adlaw_terms")
            status = outcome.status
        else:
            status = 400
    else:
        form = AdlawTermForm(initial=_initial(term) if term else {"is_active": True})
    return render(
        request, "platform/adlaw/term_form.html", {"nav": "adlaw", "form": form, "term": term}, status=status
    )


@operator_view
@require_POST
def term_toggle(request, term_id):
    term = term_get(term_id=term_id)
    term = term_set_active(term_id=term.pk, active=not term.is_active)
    messages.success(
        request, (_("已启用“%(t)s”") if term.is_active else _("已停用“%(t)s”")) % {"t": term.text}
    )
    return redirect("platform:adlaw_terms")


@operator_view
@require_POST
def term_import(request):
    with message_errors(request):
        counts = terms_import()
        messages.success(
            request,
            _("已从仓库文件导入：新增 %(created)s 个，更新 %(updated)s 个，未变 %(unchanged)s 个") % counts,
        )
    return redirect("platform:adlaw_terms")


@operator_view
def claim_index(request):
    status = request.GET.get("status", "pending")
    if status not in dict(CLAIM_STATUSES):
        status = "pending"
    return render(
        request,
        "platform/adlaw/claims.html",
        {
            "nav": "adlaw",
            "page": page_of(request, platform_claims(status=status)),
            "statuses": CLAIM_STATUSES,
            "status": status,
            "form": AdlawDecisionForm(),
        },
    )


@operator_view
@require_POST
def claim_decide_view(request, claim_id):
    claim = platform_claim_get(claim_id=claim_id)  # unknown id: NotFound → 404
    form = AdlawDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择通过或驳回，并填写审核理由"))
        return redirect("platform:adlaw_claims")
    with message_errors(request):
        claim = claim_decide(
            claim_id=claim.pk,
            reviewer=request.user,
            approve=form.cleaned_data["decision"] == "approve",
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("已处理“%(t)s”的豁免申请") % {"t": claim.term})
    return redirect("platform:adlaw_claims")


@operator_view
def evidence_view(request, evidence_id):
    row = evidence_get(evidence_id=evidence_id)
    return FileResponse(row.file.open("rb"), as_attachment=True, filename=row.name)
