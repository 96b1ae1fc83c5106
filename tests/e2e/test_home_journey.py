"""A visitor on a phone opens the site, switches language and reaches sign-up."""

import pytest

from tests.lms.factories import make_site_home

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_phone_visitor_switches_language_and_opens_signup(live_server, chromium_browser):
    """On a 390px-wide screen the page fits, the switcher works and no CSP violation occurs."""
    make_site_home()
    context = chromium_browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True
    )
    page = context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and console_errors.append(msg.text))

    page.goto(f"{live_server.url}/")
    assert page.url.endswith("/zh-hans/")
    assert page.locator("h1").inner_text() == "测试首页标题"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_role("button", name="English").click()
    page.wait_for_url("**/en/")
    assert page.locator("h1").inner_text() == "Test home title"

    page.get_by_role("link", name="Start learning for free").click()
    page.wait_for_url("**/en/accounts/signup/")
    assert page.get_by_label("Email").count() >= 1
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
    context.close()
