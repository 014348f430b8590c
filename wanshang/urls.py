from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from wanshang.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
    path("api/", api.urls),
    path("accounts/", include("wanshang.accounts.urls")),
    path("seller/", include("wanshang.sellercenter.urls")),
    path("platform/", include("wanshang.platform.urls")),
    path("", include("wanshang.storefront.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
