"""Root URL configuration. User-facing pages live under a language prefix (/zh-hans/, /en/)."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from credentials.api import api as credentials_api

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("", include("credentials.urls_public")),
    path("api/v1/", credentials_api.urls),
    path("api/labs/", include("labs.api_urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    path("accounts/", include("lms.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("learn/", include("courses.urls")),
    path("credentials/", include("credentials.urls")),
    path("organisations/", include("lms.organizations.urls")),
    path("talent/", include("lms.accounts.talent_urls")),
    path("labs/", include("labs.urls")),
    # Pages are served with a cached routing result (ADR 0036), then by Wagtail's own view.
    path("", include("courses.page_urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)
