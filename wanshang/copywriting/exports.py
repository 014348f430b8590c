"""The visual brief as data (the JSON API and the Excel download share it) and as an Excel workbook."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WHITE_TEXT = {True: "白底", False: "非白底", None: "未判断"}


def brief_dict(brief) -> dict:
    p = brief.product
    return {
        "product_id": p.pk,
        "title": p.title,
        "category": p.category.name,
        "order": list(brief.order),
        "groups": [{"kind": g.kind, "label": g.label, "points": list(g.points)} for g in brief.groups],
        "images": [
            {"position": i, "url": c.url, "uploaded": c.uploaded, "white_background": c.white}
            for i, c in enumerate(brief.images, start=1)
        ],
        "requirements": [
            {
                "code": r.code,
                "label": r.label,
                "needed": r.needed,
                "present": r.present,
                "missing": r.missing,
                "ok": r.ok,
                "note": r.note,
            }
            for r in brief.requirements
        ],
    }


def _bold_header(sheet, header: list[str]) -> None:
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def brief_xlsx(brief) -> bytes:
    """Three sheets: 卖点 (kind order, points), 图片需求 (required, present, missing), 主图 (each image)."""
    data = brief_dict(brief)
    book = Workbook()
    points = book.active
    points.title = "卖点"
    points.append(["商品", data["title"]])
    points.append(["类目", data["category"]])
    points.append([])
    _bold_header(points, ["顺序", "卖点类型", "卖点"])
    for n, group in enumerate(data["groups"], start=1):
        for point in group["points"] or ["（未找到，请补充）"]:
            points.append([n, group["label"], point])
    points.column_dimensions["A"].width = 8
    points.column_dimensions["B"].width = 12
    points.column_dimensions["C"].width = 60
    needs = book.create_sheet("图片需求")
    _bold_header(needs, ["需求", "需要", "已有", "缺少", "说明"])
    for r in data["requirements"]:
        needs.append([r["label"], r["needed"], r["present"], r["missing"], r["note"]])
    needs.column_dimensions["E"].width = 50
    images = book.create_sheet("主图")
    _bold_header(images, ["位置", "图片地址", "上传的图片", "白底估计"])
    for i in data["images"]:
        images.append(
            [i["position"], i["url"], "是" if i["uploaded"] else "外链", WHITE_TEXT[i["white_background"]]]
        )
    images.column_dimensions["B"].width = 70
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
