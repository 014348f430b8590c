from django.conf import settings


def site(request):
    return {"SITE_NAME": "万商", "DEBUG": settings.DEBUG}
