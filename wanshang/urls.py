from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from wanshang.api import api
from wanshang.faces_common.media_files import media_serve

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
    path("api/", api.urls),
    path("accounts/", include("wanshang.accounts.urls")),
    path("seller/", include("wanshang.sellercenter.urls")),
    path("platform/", include("wanshang.platform.urls")),
    path("", include("wanshang.storefront.urls")),
]
if settings.MEDIA_URL.startswith("/"):  # served only when WANSHANG["MEDIA_SERVE"] (DEBUG, demo); else 404
    urlpatterns.insert(0, re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.+)$", media_serve))
