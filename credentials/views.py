"""Views: public credential pages and documents, the wallet, and verification for employers.

Each view parses its input, calls one service or selector, and renders the result.
"""

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from . import documents, selectors, services
from .forms import MAX_CSV_BYTES, BulkVerifyForm, VerifyForm
from .models import BulkVerification
from .ratelimit import client_limited
from .tasks import bulk_verify_task
from .uploads import upload_limit
from .verification import (
    MAX_PNG_BYTES,
    Report,
    file_too_large,
    read_upload,
    verify_data,
    verify_reference,
)

# VC Data Model 2.0 registers application/vc; older wallets ask for ld+json or plain json.
JSON_TYPES = ("application/vc", "application/ld+json", "application/json")
PUBLIC_CACHE_SECONDS = 300


def _json_response(text: str, content_type: str = "application/json") -> HttpResponse:
    response = HttpResponse(text.encode("utf-8"), content_type=f"{content_type}; charset=utf-8")
    # Any web wallet or verifier may read the public documents from a browser.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def verify_page_url(credential) -> str:
    """The language-neutral verification link printed on certificates and QR codes."""
    query = urlencode({"id": str(credential.public_id)})
    return services.absolute_url(f"{reverse('credentials_public:verify_redirect')}?{query}")


# --- public documents (outside the language prefix) ----------------------------------------


@require_safe
def credential_public(request, public_id, fmt=None):
    """The credential's public URL (its `id`): HTML for browsers, the signed JSON for
    `Accept: application/vc`, `application/ld+json` or `application/json`, and always JSON
    at `.json`."""
    credential = selectors.credential_by_public_id(public_id)
    if credential is None or not selectors.credential_visible_to(credential, request.user):
        raise Http404
    preferred = request.get_preferred_type(["text/html", *JSON_TYPES])
    if fmt == "json" or preferred in JSON_TYPES:
        content_type = (
            preferred if fmt != "json" and preferred in JSON_TYPES else "application/json"
        )
        response = _json_response(credential.document, content_type)
    else:
        report = verify_data(credential.document)
        response = render(
            request,
            "credentials/credential_public.html",
            {
                "credential": credential,
                "report": report,
                "verify_url": verify_page_url(credential),
                "json_url": reverse(
                    "credentials_public:credential_json", kwargs={"public_id": public_id}
                ),
            },
        )
    patch_vary_headers(response, ["Accept", "Accept-Language", "Cookie"])
    patch_cache_control(response, private=True, max_age=0)
    return response


@require_safe
def achievement_public(request, pk, fmt=None):
    """The Achievement's public URL (its `id` in every credential of the template): an HTML
    page for people, the OB 3.0 Achievement JSON-LD for `Accept: application/ld+json` or
    `application/json`, and always JSON at `.json`."""
    found = selectors.achievement_page(pk)
    if found is None:
        raise Http404
    preferred = request.get_preferred_type(["text/html", *JSON_TYPES[1:]])
    if fmt == "json" or preferred in JSON_TYPES:
        content_type = (
            preferred if fmt != "json" and preferred in JSON_TYPES else "application/json"
        )
        response = _json_response(
            json.dumps(found["document"], ensure_ascii=False, indent=2), content_type
        )
    else:
        template = found["template"]
        response = render(
            request,
            "credentials/achievement.html",
            {
                "template": template,
                "issuer": found["issuer"],
                "document": found["document"],
                "skills": found["skills"],
                "json_url": reverse("credentials_public:achievement_json", kwargs={"pk": pk}),
            },
        )
    patch_vary_headers(response, ["Accept", "Accept-Language"])
    patch_cache_control(response, public=True, max_age=PUBLIC_CACHE_SECONDS)
    return response


@require_safe
def status_list(request, public_id):
    """A signed BitstringStatusListCredential; verifiers may cache it for a few minutes."""
    found = selectors.status_list_by_public_id(public_id)
    if found is None:
        raise Http404
    response = _json_response(found.document)
    response["Last-Modified"] = http_date(found.published_at.timestamp())
    response["ETag"] = f'"{found.public_id.hex}-{int(found.published_at.timestamp() * 1000)}"'
    patch_cache_control(response, public=True, max_age=PUBLIC_CACHE_SECONDS)
    if request.headers.get("If-None-Match") == response["ETag"]:
        not_modified = HttpResponse(status=304)
        for header in ("ETag", "Last-Modified", "Cache-Control", "Access-Control-Allow-Origin"):
            not_modified[header] = response[header]
        return not_modified
    return response


@require_safe
def issuer_did_document(request, slug):
    """The did:web document of an institution (current and retired keys)."""
    document = selectors.issuer_did_document(slug)
    if document is None:
        raise Http404
    response = _json_response(json.dumps(document, indent=2), "application/did+json")
    patch_cache_control(response, public=True, max_age=PUBLIC_CACHE_SECONDS)
    return response


@require_GET
def verify_redirect(request):
    """/verify/?id=... (the QR code target) sends to the verify page in the visitor's
    language."""
    language = translation.get_language_from_request(request)
    with translation.override(language):
        target = reverse("credentials:verify")
    query = request.GET.urlencode()
    return HttpResponseRedirect(f"{target}?{query}" if query else target)


# --- wallet (learners) ---------------------------------------------------------------------


def _own_credential(request, public_id):
    credential = selectors.credential_by_public_id(public_id)
    if credential is None or credential.holder_id != request.user.pk:
        raise Http404
    return credential


@login_required
@require_GET
def wallet(request):
    """The learner's credentials with their status and downloads."""
    credentials = [
        {
            "credential": credential,
            "public_url": credential.get_absolute_url(),
            "verify_url": verify_page_url(credential),
            "linkedin_url": linkedin_url(credential),
        }
        for credential in selectors.wallet_credentials(request.user.pk)
    ]
    return render(request, "credentials/wallet.html", {"items": credentials})


def linkedin_url(credential) -> str:
    """LinkedIn's "Add licence or certification" link, prefilled."""
    template = credential.template
    issuer = credential.issuer_key.issuer
    query = {
        "startTask": "CERTIFICATION_NAME",
        "name": services.bilingual(template.name_zh, template.name_en),
        "organizationName": issuer.name_en or issuer.name_zh,
        "issueYear": credential.issued_at.year,
        "issueMonth": credential.issued_at.month,
        "certUrl": services.absolute_url(credential.get_absolute_url()),
        "certId": str(credential.public_id),
    }
    if credential.valid_until:
        query["expirationYear"] = credential.valid_until.year
        query["expirationMonth"] = credential.valid_until.month
    return "https://www.linkedin.com/profile/add?" + urlencode(query)


def _download(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
@require_GET
def wallet_json(request, public_id):
    """Download the signed credential JSON."""
    credential = _own_credential(request, public_id)
    return _download(
        credential.document.encode("utf-8"), "application/json", f"credential-{public_id}.json"
    )


@login_required
@require_GET
def wallet_png(request, public_id):
    """Download the baked badge PNG (the credential inside, for any OB 3.0 wallet)."""
    credential = _own_credential(request, public_id)
    return _download(documents.baked_badge(credential), "image/png", f"badge-{public_id}.png")


@login_required
@require_GET
def wallet_pdf(request, public_id):
    """Download the printable bilingual certificate with its verification QR code."""
    credential = _own_credential(request, public_id)
    body = documents.certificate_pdf(credential, verify_page_url(credential))
    return _download(body, "application/pdf", f"certificate-{public_id}.pdf")


@login_required
@require_POST
def wallet_share(request, public_id):
    """Switch the public link on or off."""
    credential = _own_credential(request, public_id)
    shared = request.POST.get("shared") == "1"
    services.credential_share_set(credential.pk, holder_id=request.user.pk, shared=shared)
    if shared:
        messages.success(request, _("The public link is on: anyone with it can verify."))
    else:
        messages.success(request, _("The public link is off: only you can see the credential."))
    return redirect("credentials:wallet")


# --- verification for employers ------------------------------------------------------------


def _too_many(request, template: str, context: dict) -> HttpResponse:
    context["limit_message"] = _("Too many verifications from your connection. Wait a minute.")
    return render(request, template, context, status=429)


@upload_limit(MAX_PNG_BYTES)
@require_http_methods(["GET", "POST"])
def verify(request):
    """The public verification page: a URL or ID, pasted JSON, an uploaded JSON file or
    baked PNG; the result in plain words in the page's language."""
    report: Report | None = None
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
    elif request.GET.get("id"):
        form = VerifyForm({"reference": request.GET["id"]})
    else:
        form = VerifyForm()
    context = {"form": form, "bulk_form": BulkVerifyForm()}
    if form.is_bound:
        if client_limited(request, "credentials.verify"):
            return _too_many(request, "credentials/verify.html", context)
        if request.upload_limiter.exceeded:
            report = file_too_large()
        elif form.is_valid():
            report = _verify_form(form)
    context["report"] = report
    return render(request, "credentials/verify.html", context, status=200)


def _verify_form(form: VerifyForm) -> Report:
    email = form.cleaned_data.get("email") or ""
    upload = form.cleaned_data.get("upload")
    if upload is not None:
        data = read_upload(upload)
        if isinstance(data, Report):
            return data
        return verify_data(data, email=email)
    if form.cleaned_data.get("json_text"):
        return verify_data(form.cleaned_data["json_text"], email=email)
    return verify_reference(form.cleaned_data["reference"], email=email)


@upload_limit(MAX_CSV_BYTES)
@require_POST
def bulk_start(request):
    """Start a bulk verification of a CSV of credential URLs (a Celery job)."""
    form = BulkVerifyForm(request.POST, request.FILES)
    context = {"form": VerifyForm(), "bulk_form": form, "report": None}
    if client_limited(request, "credentials.bulk"):
        return _too_many(request, "credentials/verify.html", context)
    if request.upload_limiter.exceeded:
        form.add_error(None, _("The CSV file is too large (at most 512 KB)."))
    if not form.is_valid():
        return render(request, "credentials/verify.html", context, status=400)
    job = BulkVerification.objects.create(
        language=translation.get_language() or "zh-hans",
        input_rows=form.cleaned_data["rows"],
        total=len(form.cleaned_data["rows"]),
    )
    bulk_verify_task.delay_on_commit(job.pk)
    return redirect("credentials:bulk_detail", public_id=job.public_id)


@require_GET
def bulk_detail(request, public_id):
    """The job's progress page (polled by static/credentials/bulk.js)."""
    job = get_object_or_404(BulkVerification, public_id=public_id)
    return render(request, "credentials/bulk.html", {"job": job})


@require_GET
def bulk_status(request, public_id):
    """Progress as JSON for the polling script."""
    job = get_object_or_404(BulkVerification, public_id=public_id)
    return JsonResponse(
        {
            "state": job.state,
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
            "result_url": reverse("credentials:bulk_result", kwargs={"public_id": public_id})
            if job.state == BulkVerification.State.DONE
            else None,
        }
    )


@require_GET
def bulk_result(request, public_id):
    """The result CSV once the job has finished."""
    job = get_object_or_404(BulkVerification, public_id=public_id)
    if job.state != BulkVerification.State.DONE:
        raise Http404
    # A BOM so spreadsheet programs open the Chinese text as UTF-8.
    return _download(
        ("\ufeff" + job.result_csv).encode("utf-8"), "text/csv", f"verification-{public_id}.csv"
    )
