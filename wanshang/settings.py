"""Django settings. Everything a deployment changes comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("WANSHANG_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_pool(env) -> dict | None:
    """psycopg's pool from `DATABASE_POOL` ("MAX" or "MIN:MAX" connections per process), or from the older
    `DB_POOL_MAX` (+ `DB_POOL_MIN`, default 2); `DB_POOL_TIMEOUT` seconds to wait for a free connection
    (default 10). None when neither is set. A bad value stops the start-up with the reason."""
    text = (env.get("DATABASE_POOL") or "").strip()
    legacy = (env.get("DB_POOL_MAX") or "").strip()
    if not text and not legacy:
        return None
    try:
        if text:
            low, _, high = text.rpartition(":")
            max_size = int(high)
            min_size = int(low) if low else min(int(env.get("DB_POOL_MIN") or 2), max_size)
        else:
            max_size, min_size = int(legacy), int(env.get("DB_POOL_MIN") or 2)
        timeout = float(env.get("DB_POOL_TIMEOUT") or 10)
    except ValueError:
        raise ImproperlyConfigured(
            f"DATABASE_POOL={text or legacy!r}: expected MAX or MIN:MAX, whole numbers (e.g. 4 or 2:8); "
            f"DB_POOL_TIMEOUT seconds"
        ) from None
    if not 0 <= min_size <= max_size or max_size < 1 or timeout <= 0:
        raise ImproperlyConfigured(
            f"DATABASE_POOL={text or legacy!r}: needs 0 ≤ MIN ≤ MAX and MAX ≥ 1 (got min {min_size}, "
            f"max {max_size}), DB_POOL_TIMEOUT > 0"
        )
    if text and legacy and int(legacy) != max_size:
        raise ImproperlyConfigured(
            f"DATABASE_POOL={text!r} and DB_POOL_MAX={legacy!r} disagree: set DATABASE_POOL only"
        )
    return {"min_size": min_size, "max_size": max_size, "timeout": timeout}


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me-in-production")
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    # First: its runserver serves ASGI (HTTP and the chat's WebSockets) in development and the demo.
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # /api/docs serves Swagger UI from ninja's own static files, not a CDN (works offline)
    # shared kernel
    "wanshang.common",
    # bounded contexts
    "wanshang.accounts",
    "wanshang.merchants",
    "wanshang.inbox",
    "wanshang.adlaw",
    "wanshang.media",
    "wanshang.catalog",
    "wanshang.inventory",
    "wanshang.fulfillment",
    "wanshang.pricing",
    "wanshang.checkout",
    "wanshang.orders",
    "wanshang.payments",
    "wanshang.aftersales",
    "wanshang.marketing",
    "wanshang.reviews",
    "wanshang.shipping",
    "wanshang.stores",
    "wanshang.helpdesk",
    "wanshang.compliance",
    "wanshang.copywriting",
    "wanshang.analytics",
    "wanshang.insights",
    "wanshang.service",
    "wanshang.search",
    "wanshang.recommendations",
    "wanshang.affiliates",
    "wanshang.ads",
    "wanshang.health",
    "wanshang.patrol",
    "wanshang.shoppages",
    # web faces
    "wanshang.storefront",
    "wanshang.sellercenter",
    "wanshang.platform",
    "wanshang.demo",
    # WebSockets for the customer-service chat (wanshang/asgi.py, faces_common/chat_sockets.py). Last: its own
    # `runworker` command (Channels' worker) must not shadow ours (wanshang.common's scheduler runner).
    "channels",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before any view or tracking reads input; after the (lazy) session and user so the error page has them.
    "wanshang.common.middleware.RejectNulMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wanshang.analytics.tracking.TrackingMiddleware",
    "wanshang.common.web.DomainErrorMiddleware",
]

ROOT_URLCONF = "wanshang.urls"
WSGI_APPLICATION = "wanshang.wsgi.application"
ASGI_APPLICATION = "wanshang.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "wanshang" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wanshang.common.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'wanshang.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let the web process and the worker share the file safely.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Solid-state storage: random reads cost about what sequential ones do. With PostgreSQL's default (4.0)
    # the planner prices the search index's GIN scan above a sequential scan that must unpack every product's
    # tsvector, and picks the scan (29 ms instead of 2.8 ms at 3,000 products, docs/benchmarks.md). Set
    # PG_RANDOM_PAGE_COST=4 on spinning disks.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c random_page_cost={float(os.environ.get('PG_RANDOM_PAGE_COST', '1.1'))}"
    )
    # Under ASGI each request may run in its own thread, and persistent per-thread connections were measured
    # exhausting PostgreSQL's limit within minutes: with DATABASE_POOL (or its older name DB_POOL_MAX) set,
    # connections come from psycopg's pool, bounded per process, and CONN_MAX_AGE must be 0 (Django refuses
    # persistent + pool). docs/deploy.md.
    _pool = database_pool(
        {
            "DATABASE_POOL": os.environ.get("DATABASE_POOL", ""),
            "DB_POOL_MAX": os.environ.get("DB_POOL_MAX", ""),
            "DB_POOL_MIN": os.environ.get("DB_POOL_MIN", ""),
            "DB_POOL_TIMEOUT": os.environ.get("DB_POOL_TIMEOUT", ""),
        }
    )
    if _pool:
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"]["OPTIONS"]["pool"] = _pool
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Read replicas (docs/production.md, "Read replicas"): PostgreSQL streaming replicas of the primary above,
# comma-separated URLs. Catalog, search and list pages and the 数据中心 read from a healthy one
# (wanshang/common/dbrouter.py); writes, transactions and a client's reads for DATABASE_STICKY_SECONDS after it
# wrote stay on the primary. Without replicas neither the router nor its middleware is installed.
DATABASE_REPLICAS: list[str] = []
for _n, _url in enumerate(
    u.strip() for u in os.environ.get("DATABASE_REPLICA_URLS", "").split(",") if u.strip()
):
    _replica = dj_database_url.parse(_url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"])
    if (
        _replica["ENGINE"] != "django.db.backends.postgresql"
        or DATABASES["default"]["ENGINE"] != _replica["ENGINE"]
    ):
        raise ValueError(
            "DATABASE_REPLICA_URLS: replicas are PostgreSQL streaming replicas of a PostgreSQL primary"
        )
    _replica.update(
        # PostgreSQL that retries a failed read on the primary; its cached lag check also checks a kept
        # connection, so Django's CONN_HEALTH_CHECKS (a query per request) stays off
        ENGINE="wanshang.common.pgreplica",
        OPTIONS={
            **DATABASES["default"].get("OPTIONS", {}),
            "connect_timeout": int(os.environ.get("DATABASE_REPLICA_CONNECT_TIMEOUT", "2")),
        },
        TEST={"MIRROR": "default"},
    )
    DATABASES[f"replica_{_n + 1}"] = _replica
    DATABASE_REPLICAS.append(f"replica_{_n + 1}")
DATABASE_REPLICA_MAX_LAG = float(os.environ.get("DATABASE_REPLICA_MAX_LAG", "5"))
DATABASE_STICKY_SECONDS = float(os.environ.get("DATABASE_STICKY_SECONDS", "15"))
DATABASE_REPLICA_CHECK_SECONDS = float(os.environ.get("DATABASE_REPLICA_CHECK_SECONDS", "2"))
DATABASE_REPLICA_RETRY_SECONDS = float(os.environ.get("DATABASE_REPLICA_RETRY_SECONDS", "10"))
# GET/HEAD paths that may read a replica (regular expressions matched at the start of the path): catalog,
# search and lists and their JSON API; the seller's and the platform's 数据中心 pages and API.
DATABASE_REPLICA_READ_PATHS = [
    r"/$",
    r"/(categories|c|search|wholesale|shop|p|recs)/",
    r"/api/store/(products|categories|shops|search|recommendations/product)",
    r"/(seller|platform)/data/",
    r"/api/(seller|platform)/data/",
]
# Append-only records that a GET writes and no page reads back at once (a search logs its query and the ads it
# showed): writing one does not keep the client on the primary.
DATABASE_LOG_MODELS = ["search.searchquery", "ads.adimpression"]
DATABASE_ROUTERS = ["wanshang.common.dbrouter.ReplicaRouter"] if DATABASE_REPLICAS else []
if DATABASE_REPLICAS:
    # outermost but security: the scope covers every read of the request, the session's included
    MIDDLEWARE.insert(1, "wanshang.common.dbrouter.ReplicaReadMiddleware")

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # Shared by every process on the machine (web workers, the worker), so an invalidation made in one
    # is seen by all; production sets REDIS_URL instead.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Channels' layer carries the chat's "conversation X has seq N" hints between processes: Redis in production,
# in-process memory otherwise (one web process: the demo, tests). It delivers at most once; clients re-sync.
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [REDIS_URL]}}
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["wanshang.accounts.backends.PhoneOrEmailBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "storefront:home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "wanshang" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# In production (DEBUG off) pages name the copies collectstatic makes with a hash of their content in the name
# (css/wanshang.5f3c1e2a9b4d.css, listed in STATIC_ROOT/staticfiles.json), so the web server can let browsers
# cache them for a year and a changed file still reaches everyone at once. Development and tests use the plain
# names from the apps' static/ folders; with DEBUG off, run collectstatic before serving.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    },
}
# Uploads go through the default storage above: the file system under MEDIA_ROOT here; an S3-compatible bucket
# with django-storages in production (docs/deploy.md). MEDIA_ROOT may be set apart from var/.
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"wanshang": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")}},
}

# --- Business settings (platform rules). Durations in minutes/days. ---
WANSHANG = {
    # 广告法 scanner: catalog category slug (the product's category or any ancestor) → strict category, in
    # which warn terms block (docs/adlaw.md). The nearest mapped category wins.
    "ADLAW_STRICT_CATEGORIES": {
        "food": "food",
        "beauty": "cosmetics",
        "health": "medical",
        "medical": "medical",
        "finance": "finance",
    },
    # 广告法 evidence files for an exemption claim: at most this many per claim, this many bytes each
    "ADLAW_EVIDENCE_MAX_FILES": 5,
    "ADLAW_EVIDENCE_MAX_BYTES": 5 * 1024 * 1024,
    "ORDER_PAYMENT_TIMEOUT_MINUTES": int(os.environ.get("ORDER_PAYMENT_TIMEOUT_MINUTES", "30")),
    "ORDER_AUTO_RECEIVE_DAYS": int(os.environ.get("ORDER_AUTO_RECEIVE_DAYS", "10")),
    # 到店自提: a paid pickup not collected within this many days is cancelled and refunded (stores.tasks)
    "PICKUP_EXPIRE_DAYS": int(os.environ.get("PICKUP_EXPIRE_DAYS", "7")),
    "SETTLEMENT_DELAY_DAYS": int(os.environ.get("SETTLEMENT_DELAY_DAYS", "7")),
    # 售后 timers that decide for the silent party (docs/aftersales.md; commonly quoted for Taobao, unverified).
    "AFTERSALES_REFUND_ONLY_SILENT_HOURS": int(os.environ.get("AFTERSALES_REFUND_ONLY_SILENT_HOURS", "48")),
    "AFTERSALES_REQUEST_SILENT_DAYS": int(os.environ.get("AFTERSALES_REQUEST_SILENT_DAYS", "5")),
    "AFTERSALES_BUYER_RETURN_DAYS": int(os.environ.get("AFTERSALES_BUYER_RETURN_DAYS", "7")),
    "AFTERSALES_SHOP_CONFIRM_DAYS": int(os.environ.get("AFTERSALES_SHOP_CONFIRM_DAYS", "10")),
    "AFTERSALES_WINDOW_DAYS": int(os.environ.get("AFTERSALES_WINDOW_DAYS", "15")),  # after completion
    # 物流异常: a package with no new tracking point for this long raises one alert for the shop (docs/shipping.md)
    "SHIPPING_STALL_HOURS": int(os.environ.get("SHIPPING_STALL_HOURS", "48")),
    # 换货: the shop has the return but sends no replacement in this many days → the case is refunded instead
    "AFTERSALES_RESHIP_DAYS": int(os.environ.get("AFTERSALES_RESHIP_DAYS", "5")),
    # the most return postage a buyer may claim on a shop's-fault return (unverified: a setting)
    "AFTERSALES_RETURN_FREIGHT_CAP_FEN": int(os.environ.get("AFTERSALES_RETURN_FREIGHT_CAP_FEN", "2500")),
    # 退款风险 (docs/refund-risk.md): our own thresholds and weights (no published values exist: settings)
    "REFUND_RISK_WINDOW_DAYS": int(os.environ.get("REFUND_RISK_WINDOW_DAYS", "90")),
    "REFUND_RISK_MIN_ORDERS": int(os.environ.get("REFUND_RISK_MIN_ORDERS", "5")),  # before rates count
    "REFUND_RISK_REFUND_ONLY_PCT": int(os.environ.get("REFUND_RISK_REFUND_ONLY_PCT", "30")),
    "REFUND_RISK_RETURN_PCT": int(os.environ.get("REFUND_RISK_RETURN_PCT", "50")),
    "REFUND_RISK_SHARED_ACCOUNTS": int(os.environ.get("REFUND_RISK_SHARED_ACCOUNTS", "3")),  # other accounts
    "REFUND_RISK_NEW_ACCOUNT_DAYS": int(os.environ.get("REFUND_RISK_NEW_ACCOUNT_DAYS", "30")),
    "REFUND_RISK_NEW_ACCOUNT_FEN": int(os.environ.get("REFUND_RISK_NEW_ACCOUNT_FEN", "50000")),  # ¥500
    "REFUND_RISK_MEDIUM": int(
        os.environ.get("REFUND_RISK_MEDIUM", "40")
    ),  # score from which the level is medium
    "REFUND_RISK_HIGH": int(os.environ.get("REFUND_RISK_HIGH", "70")),
    # 极速退款 (docs/refund-risk.md): an unshipped 仅退款 refunded at application when all of these hold (our own
    # starting values, unverified: settings); each shop may also turn it off in its 售后设置
    "INSTANT_REFUND_ENABLED": env_bool("INSTANT_REFUND_ENABLED", True),
    "INSTANT_REFUND_MAX_FEN": int(os.environ.get("INSTANT_REFUND_MAX_FEN", "50000")),  # ¥500 per application
    "INSTANT_REFUND_MIN_ACCOUNT_DAYS": int(os.environ.get("INSTANT_REFUND_MIN_ACCOUNT_DAYS", "30")),
    "REFUND_RISK_WEIGHTS": {  # a reason's base weight; rates and counts scale it up to twice (docs/refund-risk.md)
        "refund_only_rate": 35,
        "return_rate": 20,
        "not_received_signed": 40,
        "shared_address": 20,
        "shared_visitor": 20,
        "new_account_refunds": 25,
    },
    "DEFAULT_COMMISSION_BPS": int(os.environ.get("DEFAULT_COMMISSION_BPS", "500")),  # 5.00%
    # 淘宝客 (docs/affiliates.md). The attribution window is commonly quoted as 15 days for Taobao (unverified).
    "AFFILIATE_WINDOW_DAYS": int(os.environ.get("AFFILIATE_WINDOW_DAYS", "15")),
    "AFFILIATE_CLICK_DEDUPE_MINUTES": int(os.environ.get("AFFILIATE_CLICK_DEDUPE_MINUTES", "30")),
    "AFFILIATE_MIN_RATE_BPS": int(os.environ.get("AFFILIATE_MIN_RATE_BPS", "100")),  # 1%
    "AFFILIATE_MAX_RATE_BPS": int(os.environ.get("AFFILIATE_MAX_RATE_BPS", "5000")),  # 50%
    "AFFILIATE_SERVICE_FEE_BPS": int(
        os.environ.get("AFFILIATE_SERVICE_FEE_BPS", "1000")
    ),  # 10% of the commission
    "AFFILIATE_FREEZE_DAYS": int(os.environ.get("AFFILIATE_FREEZE_DAYS", "15")),  # after receipt
    "AFFILIATE_WITHDRAW_MIN_FEN": int(os.environ.get("AFFILIATE_WITHDRAW_MIN_FEN", "1000")),  # ¥10
    # A promoter's own purchase through their link: 0 = no commission (kept as invalid with the reason), 1 = paid.
    # DOMAIN.md is silent; peers refuse it, so off by default.
    "AFFILIATE_SELF_PURCHASE_PAYS": int(os.environ.get("AFFILIATE_SELF_PURCHASE_PAYS", "0")),
    "MAX_LINE_QUANTITY": 9999,
    # Points: earned per yuan paid on completed orders; N points = ¥1 at checkout, up to a share of the goods.
    "POINTS_EARN_PER_YUAN": int(os.environ.get("POINTS_EARN_PER_YUAN", "1")),
    "POINTS_PER_YUAN": int(os.environ.get("POINTS_PER_YUAN", "100")),
    "POINTS_MAX_RATIO_BPS": int(os.environ.get("POINTS_MAX_RATIO_BPS", "5000")),
    # 7天无理由退货: days counted from the day after receipt (calendar days in Asia/Shanghai).
    "NO_REASON_RETURN_DAYS": int(os.environ.get("NO_REASON_RETURN_DAYS", "7")),
    # 延迟发货: a shop ships within its promise (default hours after payment) or owes the buyer a share of the
    # goods paid, with a floor and a cap, in points. Sources disagree (10% ¥5–100 vs 30% up to ¥500): see
    # docs/aftersales-rules.md for why these defaults.
    "LATE_SHIPMENT_DEFAULT_HOURS": int(os.environ.get("LATE_SHIPMENT_DEFAULT_HOURS", "48")),
    "LATE_SHIPMENT_RATE_BPS": int(os.environ.get("LATE_SHIPMENT_RATE_BPS", "1000")),  # 10%
    "LATE_SHIPMENT_FLOOR_FEN": int(os.environ.get("LATE_SHIPMENT_FLOOR_FEN", "500")),  # ¥5
    "LATE_SHIPMENT_CAP_FEN": int(os.environ.get("LATE_SHIPMENT_CAP_FEN", "10000")),  # ¥100
    # 先提价后打折 (§17): a rise of at least this share within this many days before a promotion is flagged.
    "PRICE_RAISE_WINDOW_DAYS": int(os.environ.get("PRICE_RAISE_WINDOW_DAYS", "30")),
    "PRICE_RAISE_FLAG_BPS": int(os.environ.get("PRICE_RAISE_FLAG_BPS", "1000")),
    # 折上折 warnings of a 满减's preview (docs/promotions.md "Stacking"): the buyer's final price more than this
    # share below what the announced 满减 alone gives, or below this share of the list price.
    "STACKING_EXTRA_BPS": int(os.environ.get("STACKING_EXTRA_BPS", "1000")),
    "STACKING_FLOOR_BPS": int(os.environ.get("STACKING_FLOOR_BPS", "5000")),
    # 日常巡检 (docs/patrol.md): the local hour from which a day's report is due, and shops per job run.
    "PATROL_HOUR": int(os.environ.get("PATROL_HOUR", "6")),
    "PATROL_SHOPS_PER_RUN": int(os.environ.get("PATROL_SHOPS_PER_RUN", "50")),
    # The sandbox gateway pays without money: offered only in development unless asked for explicitly.
    "PAYMENT_GATEWAYS": [
        g
        for g in os.environ.get(
            "PAYMENT_GATEWAYS", "sandbox,alipay,wechat" if DEBUG else "alipay,wechat"
        ).split(",")
        if g
    ],
    "SANDBOX_GATEWAY_SECRET": os.environ.get("SANDBOX_GATEWAY_SECRET", SECRET_KEY),
    # Real gateways are configured with their keys; left empty they are offered only when set.
    "ALIPAY": {
        "APP_ID": os.environ.get("ALIPAY_APP_ID", ""),
        "APP_PRIVATE_KEY_PATH": os.environ.get("ALIPAY_APP_PRIVATE_KEY_PATH", ""),
        "ALIPAY_PUBLIC_KEY_PATH": os.environ.get("ALIPAY_PUBLIC_KEY_PATH", ""),
        "SANDBOX": env_bool("ALIPAY_SANDBOX", True),
    },
    "WECHAT": {
        "MCH_ID": os.environ.get("WECHAT_MCH_ID", ""),
        "APP_ID": os.environ.get("WECHAT_APP_ID", ""),
        "APIV3_KEY": os.environ.get("WECHAT_APIV3_KEY", ""),
        "CERT_SERIAL_NO": os.environ.get("WECHAT_CERT_SERIAL_NO", ""),
        "PRIVATE_KEY_PATH": os.environ.get("WECHAT_PRIVATE_KEY_PATH", ""),
        "PLATFORM_CERT_DIR": os.environ.get("WECHAT_PLATFORM_CERT_DIR", ""),
    },
    # 数据中心: page-side events are spooled here per process and inserted in batches by analytics.ingest.
    "ANALYTICS_SPOOL_DIR": os.environ.get("ANALYTICS_SPOOL_DIR", str(VAR_DIR / "events")),
    # Several web hosts: ANALYTICS_TRANSPORT=redis sends each event batch to a Redis stream instead (one XADD,
    # capped near ANALYTICS_STREAM_MAXLEN entries), read by the ingest job (analytics/stream.py).
    "ANALYTICS_TRANSPORT": os.environ.get("ANALYTICS_TRANSPORT", "spool"),
    "ANALYTICS_REDIS_URL": os.environ.get("ANALYTICS_REDIS_URL", os.environ.get("REDIS_URL", "")),
    "ANALYTICS_STREAM": os.environ.get("ANALYTICS_STREAM", "wanshang:events"),
    "ANALYTICS_STREAM_MAXLEN": int(os.environ.get("ANALYTICS_STREAM_MAXLEN", "5000000")),
    # Ad impressions and clicks are spooled the same way and inserted (and clicks charged) by `ads.ingest`
    # (ads/adspool.py); ADS_TRANSPORT=redis sends them to the ADS_STREAM stream on ANALYTICS_REDIS_URL.
    "ADS_SPOOL_DIR": os.environ.get("ADS_SPOOL_DIR", str(VAR_DIR / "adevents")),
    "ADS_TRANSPORT": os.environ.get("ADS_TRANSPORT", os.environ.get("ANALYTICS_TRANSPORT", "spool")),
    "ADS_STREAM": os.environ.get("ADS_STREAM", "wanshang:adevents"),
    # An hour is a payment gap when its paid orders fall below this share of the usual level for that hour.
    "ANOMALY_DROP_RATIO": float(os.environ.get("ANOMALY_DROP_RATIO", "0.3")),
    "SCHEDULER_INTERVAL_SECONDS": int(os.environ.get("SCHEDULER_INTERVAL_SECONDS", "30")),
    # Celery beat sends one tick this often; the tick queues each job whose interval has passed (celery.py).
    "BEAT_TICK_SECONDS": int(os.environ.get("CELERY_BEAT_TICK_SECONDS", "5")),
    # Media uploads (wanshang/media): an image up to 10 MB and 40 million pixels (a decompression-bomb guard);
    # a main image at least 800×800; a video (MP4/WebM) up to 50 MB. MEDIA_SERVE: Django serves MEDIA_ROOT
    # (with year-long cache headers for the content-hashed files) — on with DEBUG and in the demo; in
    # production the web server or the bucket serves it (docs/deploy.md).
    "MEDIA_IMAGE_MAX_BYTES": int(os.environ.get("MEDIA_IMAGE_MAX_BYTES", str(10 * 1024 * 1024))),
    "MEDIA_IMAGE_MAX_PIXELS": int(os.environ.get("MEDIA_IMAGE_MAX_PIXELS", "40000000")),
    "MEDIA_MAIN_MIN_SIDE": int(os.environ.get("MEDIA_MAIN_MIN_SIDE", "800")),
    "MEDIA_VIDEO_MAX_BYTES": int(os.environ.get("MEDIA_VIDEO_MAX_BYTES", str(50 * 1024 * 1024))),
    "MEDIA_SERVE": env_bool("MEDIA_SERVE", DEBUG),
    # Image checks (docs/image-checks.md). Our defaults, no published platform rule: 主图 at least 800×800 and
    # square within 2 %; blurred below a variance of the Laplacian of 30 on the ≤512 px greyscale copy (sharp
    # generated and demo pictures score 60–5000, a 4 px Gaussian blur of an 800 px checkerboard 25); at least 5
    # 主图; near-duplicates within 6 differing bits of 64 (copies resized, re-encoded or brightened measured
    # 0–2, unrelated pictures 26–36); an authorisation file up to 5 MB.
    "IMAGE_CHECK_MIN_SIDE": int(os.environ.get("IMAGE_CHECK_MIN_SIDE", "800")),
    "IMAGE_CHECK_ASPECT_TOLERANCE_PCT": float(os.environ.get("IMAGE_CHECK_ASPECT_TOLERANCE_PCT", "2")),
    "IMAGE_BLUR_THRESHOLD": float(os.environ.get("IMAGE_BLUR_THRESHOLD", "30")),
    "IMAGE_MIN_MAIN_COUNT": int(os.environ.get("IMAGE_MIN_MAIN_COUNT", "5")),
    "IMAGE_DUPLICATE_MAX_DISTANCE": int(os.environ.get("IMAGE_DUPLICATE_MAX_DISTANCE", "6")),
    "IMAGE_DECLARATION_MAX_BYTES": int(os.environ.get("IMAGE_DECLARATION_MAX_BYTES", str(5 * 1024 * 1024))),
    # 文案工具 (docs/copywriting.md). FABE: lines per module and characters per line. Product titles: the
    # length window in 字符 (a 汉字 counts 2, Latin 1: Taobao's 60 字符 = 30 汉字), how often a word may repeat.
    # Ad creative titles: the endorsement words of the formula when no ad settings give them. Visual brief: the
    # main images wanted, how many of them on a white background, and the categories (a name anywhere on the
    # product's category path) that need a size chart.
    # 店铺活动页 (docs/shop-pages.md): modules per page, characters of a text paragraph, products per grid,
    # coupons per coupon block.
    "SHOPPAGES_MAX_MODULES": int(os.environ.get("SHOPPAGES_MAX_MODULES", "20")),
    "SHOPPAGES_TEXT_MAX_CHARS": int(os.environ.get("SHOPPAGES_TEXT_MAX_CHARS", "500")),
    "SHOPPAGES_GRID_MAX_PRODUCTS": int(os.environ.get("SHOPPAGES_GRID_MAX_PRODUCTS", "12")),
    "SHOPPAGES_MAX_COUPONS": int(os.environ.get("SHOPPAGES_MAX_COUPONS", "6")),
    "COPY_FABE_MAX_LINES": int(os.environ.get("COPY_FABE_MAX_LINES", "3")),
    "COPY_FABE_LINE_MAX_CHARS": int(os.environ.get("COPY_FABE_LINE_MAX_CHARS", "40")),
    "COPY_TITLE_MIN_WIDTH": int(os.environ.get("COPY_TITLE_MIN_WIDTH", "20")),
    "COPY_TITLE_MAX_WIDTH": int(os.environ.get("COPY_TITLE_MAX_WIDTH", "60")),
    "COPY_TITLE_WORD_MAX_REPEAT": int(os.environ.get("COPY_TITLE_WORD_MAX_REPEAT", "1")),
    "COPY_TRUST_WORDS": [
        w.strip()
        for w in os.environ.get(
            "COPY_TRUST_WORDS", "官方,正品,旗舰,授权,认证,质检,质保,保障,销量,热销,包邮,顺丰,专柜,原装,国标"
        ).split(",")
        if w.strip()
    ],
    "COPY_BRIEF_MAIN_IMAGES": int(os.environ.get("COPY_BRIEF_MAIN_IMAGES", "5")),
    "COPY_BRIEF_WHITE_BACKGROUND": int(os.environ.get("COPY_BRIEF_WHITE_BACKGROUND", "1")),
    "COPY_SIZE_CHART_CATEGORIES": [
        w.strip()
        for w in os.environ.get(
            "COPY_SIZE_CHART_CATEGORIES", "服饰内衣,女装,男装,内衣家居服,童装童鞋,运动鞋服,鞋靴,女鞋,男鞋"
        ).split(",")
        if w.strip()
    ],
    # Reviews (docs/reviews.md): a received line may be reviewed for N days, after which a system default
    # positive review is written; one 追评 within N days of the review; up to N pictures each; the DSR is
    # averaged over a rolling window counting each buyer at most N times per shop per calendar month.
    "REVIEW_WINDOW_DAYS": int(os.environ.get("REVIEW_WINDOW_DAYS", "15")),
    "REVIEW_FOLLOWUP_DAYS": int(os.environ.get("REVIEW_FOLLOWUP_DAYS", "180")),
    "REVIEW_MAX_IMAGES": int(os.environ.get("REVIEW_MAX_IMAGES", "9")),
    "REVIEW_TEXT_MAX": int(os.environ.get("REVIEW_TEXT_MAX", "500")),
    "DSR_WINDOW_DAYS": int(os.environ.get("DSR_WINDOW_DAYS", "180")),
    "DSR_MONTHLY_CAP": int(os.environ.get("DSR_MONTHLY_CAP", "3")),
    # 体检中心 (docs/health.md). A shop under 搜索降权 has its products' 综合 score multiplied by this factor.
    "SEARCH_SANCTION_FACTOR": float(os.environ.get("SEARCH_SANCTION_FACTOR", "0.5")),
    # an item opened by a warning must be fixed within this many hours, or it earns its points
    "HEALTH_FIX_HOURS": int(os.environ.get("HEALTH_FIX_HOURS", "48")),
    "HEALTH_WINDOW_DAYS": int(os.environ.get("HEALTH_WINDOW_DAYS", "30")),
    # an open item whose deadline is this many hours away or less gets one reminder in the shop's inbox
    "HEALTH_REMIND_HOURS": int(os.environ.get("HEALTH_REMIND_HOURS", "12")),
    # points count for 365 days from the day they were given ("rolling"), or to the end of that calendar
    # year in Asia/Shanghai ("calendar")
    "HEALTH_POINTS_EXPIRY": os.environ.get("HEALTH_POINTS_EXPIRY", "rolling"),
    # the published rules: per indicator, the threshold that opens an item, the smallest base (orders, cases)
    # the rate is judged on, and the points an unfixed item earns. Keys not given keep the indicator's defaults.
    "HEALTH_RULES": {},
    # points (unexpired, not overturned) → the sanctions they bring; each lifts when the points drop below it
    # the merchant credit level: one 钻 per step of 90-day paid sales reached (fen: ¥0, ¥1千, ¥1万, ¥10万, ¥100万)
    "HEALTH_CREDIT_SALES_FEN": [0, 100_000, 1_000_000, 10_000_000, 100_000_000],
    "HEALTH_SANCTIONS": [
        (6, "search_demote"),
        (12, "no_campaign"),
        (24, "no_ads"),
        (48, "suspend"),
    ],
}

# Celery (production worker, wanshang/celery.py). The embedded default runs the same jobs in-process:
# `manage.py runworker`. A message is acknowledged after its job ran (acks_late), so a worker killed mid-job has
# it delivered again — after CELERY_VISIBILITY_TIMEOUT seconds when the whole worker died — and the job lock and
# due check (common/scheduler.py) keep a job from running twice. Keep the visibility timeout above the time limit.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_TASK_ALWAYS_EAGER = not bool(REDIS_URL or os.environ.get("CELERY_BROKER_URL"))
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True  # each run is recorded in JobRun; no result backend
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # a long rollup must not hold short jobs queued behind it
CELERY_TASK_TIME_LIMIT = int(os.environ.get("CELERY_TASK_TIME_LIMIT", "1800"))
CELERY_TASK_SOFT_TIME_LIMIT = max(
    1, CELERY_TASK_TIME_LIMIT - 30
)  # the job sees an exception, recorded in JobRun
CELERY_WORKER_MAX_TASKS_PER_CHILD = int(os.environ.get("CELERY_MAX_TASKS_PER_CHILD", "500"))
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = "default"  # light jobs; "heavy" (rollups, rebuilds) and "ingest", celery.QUEUES
_VISIBILITY = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _VISIBILITY,
    "unacked_restore_interval": max(1, min(10, _VISIBILITY // 4)),
    "unacked_restore_throttle": 1,
    "socket_timeout": 30,
    "global_keyprefix": os.environ.get("CELERY_BROKER_KEY_PREFIX", ""),  # several deployments on one Redis
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
