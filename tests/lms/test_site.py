"""The shell a visitor meets: language routing and switcher, home page, security headers."""

import re

import pytest
from django.core import mail

from tests.lms.factories import make_site_home

pytestmark = pytest.mark.django_db
PASSWORD = "Yy7!kq2-plc-lab"


@pytest.fixture
def home():
    return make_site_home()


def test_root_redirects_to_the_browser_language(client, home):
    """/ sends a Chinese browser to /zh-hans/ and an English one to /en/."""
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").url == "/zh-hans/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8").url == "/en/"


def test_home_page_is_served_in_each_language(client, home):
    """Each language prefix serves that locale's home page and UI strings."""
    zh = client.get("/zh-hans/").content.decode()
    en = client.get("/en/").content.decode()
    assert "测试首页标题" in zh and "免费开始学习" in zh and 'lang="zh-Hans"' in zh
    assert "Test home title" in en and "Start learning for free" in en and 'lang="en"' in en


def test_language_switcher_moves_to_the_same_page_in_the_other_language(client, home):
    """Posting the switcher form sets the language and returns to the translated URL."""
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/zh-hans/"})
    assert response.status_code == 302
    assert response.url == "/en/"
    assert client.get(response.url).status_code == 200


def test_site_pages_have_csp_without_inline_script(client, home):
    """The CSP forbids inline script, and our own pages need none."""
    response = client.get("/en/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script> found"
    assert " style=" not in html and " onclick=" not in html


def test_forms_carry_csrf_tokens(client, home):
    """Every POST form on the home page carries a CSRF token."""
    html = client.get("/en/").content.decode()
    forms = re.findall(r"<form[^>]*method=\"post\".*?</form>", html, flags=re.S)
    assert forms
    assert all("csrfmiddlewaretoken" in form for form in forms)


def test_signup_sends_a_verification_email_in_the_page_language(client, home):
    """Signing up on the Chinese site sends the verification mail in Chinese."""
    response = client.post(
        "/zh-hans/accounts/signup/",
        {"email": "wang@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "wang@example.com" in mail.outbox[0].to
    assert re.search(r"[\u4e00-\u9fff]", mail.outbox[0].subject + mail.outbox[0].body)


def test_unknown_page_is_a_friendly_404(client, home):
    """An unknown URL gets the site's 404 page, not a stack trace."""
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
