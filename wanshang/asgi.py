"""ASGI entry: HTTP through Django, WebSockets (the customer-service chat) through Channels.

Served by daphne (`daphne wanshang.asgi:application`, or `manage.py runserver` with daphne installed first in
INSTALLED_APPS, as the demo does). docs/deploy.md has the production command and the connection pool.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wanshang.settings")
django_asgi = get_asgi_application()  # loads the apps before anything below imports a model

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from wanshang.faces_common.chat_sockets import websocket_urlpatterns  # noqa: E402
from wanshang.startup import warm_up  # noqa: E402 - needs the apps loaded above

application = ProtocolTypeRouter(
    {
        "http": django_asgi,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)

warm_up()
