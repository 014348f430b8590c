from django.core.paginator import Paginator

PER_PAGE = 20


def page_of(request, rows, *, per_page: int = PER_PAGE):
    """The requested page of a queryset or list; bad or out-of-range numbers give the nearest page."""
    return Paginator(rows, per_page).get_page(request.GET.get("page"))


def flatten_tree(roots, *, trail=()):
    """Depth-first rows (category, depth, path_label) of a tree whose nodes carry `.kids`."""
    for node in roots:
        names = (*trail, node.name)
        yield node, len(trail), " / ".join(names)
        yield from flatten_tree(getattr(node, "kids", []), trail=names)
