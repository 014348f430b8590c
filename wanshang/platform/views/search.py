"""搜索运营: the search report (top queries, zero-result queries, click-through), synonyms and hot words."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from wanshang.common.web import form_errors
from wanshang.platform.access import operator_view
from wanshang.platform.forms import HotWordForm, SynonymForm
from wanshang.search.selectors import hot_word_rows, query_report, synonym_list
from wanshang.search.services import hot_word_set, synonym_delete, synonym_save

REPORT_DAYS = (1, 7, 30)
HOT_WORD_ACTIONS = {
    "pin": {"pinned": True},
    "unpin": {"pinned": False},
    "hide": {"hidden": True},
    "unhide": {"hidden": False},
}


@operator_view
def search_index(request):
    raw = request.GET.get("days", "7")
    days = int(raw) if raw.isdigit() and int(raw) in REPORT_DAYS else 7
    synonym_form = SynonymForm(request.POST if request.POST.get("form") == "synonym" else None)
    hot_form = HotWordForm(request.POST if request.POST.get("form") == "hot" else None)
    status = 200
    if request.method == "POST":
        if synonym_form.is_bound and synonym_form.is_valid():
            with form_errors(synonym_form):
                row = synonym_save(
                    words=synonym_form.cleaned_data["words"],
                    one_way=synonym_form.cleaned_data["one_way"],
                    note=synonym_form.cleaned_data["note"],
                )
                messages.success(request, f"已添加同义词组：{row}")
                return redirect("platform:search")
        elif hot_form.is_bound and hot_form.is_valid():
            with form_errors(hot_form):
                hot_word_set(
                    term=hot_form.cleaned_data["term"], **HOT_WORD_ACTIONS[hot_form.cleaned_data["action"]]
                )
                messages.success(request, f"已更新搜索词“{hot_form.cleaned_data['term']}”")
                return redirect("platform:search")
        status = 400
    return render(
        request,
        "platform/search.html",
        {
            "nav": "search",
            "days": days,
            "day_choices": REPORT_DAYS,
            "top": query_report(days=days),
            "zero": query_report(days=days, zero_only=True),
            "synonyms": synonym_list(),
            "hot_rows": hot_word_rows(),
            "synonym_form": synonym_form,
            "hot_form": hot_form,
        },
        status=status,
    )


@operator_view
@require_POST
def synonym_remove(request, synonym_id: int):
    synonym_delete(synonym_id=synonym_id)
    messages.success(request, "已删除同义词组")
    return redirect("platform:search")
