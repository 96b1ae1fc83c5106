"""The employer journey of issue 8 in a real browser (Debian chromium through Playwright).

An employer admin (with TOTP) creates an organisation and a sponsorship code; a worker signs
up from the code link, verifies the e-mail, enrols and consents; the employer sees the
worker's progress; the worker withdraws consent and the employer's next view no longer shows
it. The courses app is faked at the lms.integrations boundary (not merged on this branch).
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from tests.accounts.factories import PASSWORD, UserFactory, current_code, totp_for
from tests.accounts.fakes import PLC, FakeApps

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]
WORKER_EMAIL = "xiaohong@example.com"
WORKER_PASSWORD = "Ladder-logic-2026!"


def _no_csp_errors(errors: list[str]) -> None:
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_sponsored_worker_consents_then_withdraws(live_server, chromium_browser, monkeypatch):
    """Employer sees progress only while the worker consents."""
    apps = FakeApps().install(monkeypatch)
    employer = UserFactory(email="boss@example.com", display_name="陈经理", preferred_language="en")
    secret = totp_for(employer)
    errors: list[str] = []

    # The employer logs in with password and TOTP, creates the organisation and a code.
    boss_ctx = chromium_browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    boss = boss_ctx.new_page()
    boss.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    boss.goto(f"{live_server.url}/en/accounts/login/")
    boss.fill("input[name=login]", employer.email)
    boss.fill("input[name=password]", PASSWORD)
    boss.click("form[action$='/accounts/login/'] button[type=submit]")
    boss.wait_for_url("**/accounts/2fa/authenticate/")
    boss.fill("input[name=code]", current_code(secret))
    boss.click("main form button[type=submit]")
    boss.wait_for_url(re.compile(r".*/en/$"))

    boss.goto(f"{live_server.url}/en/organisations/new/")
    boss.fill("input[name=name]", "Dongguan Demo Electronics")
    boss.select_option("select[name=industry]", "electronics")
    boss.select_option("select[name=size]", "10-49")
    boss.fill("input[name=city]", "Dongguan")
    boss.click("main form button[type=submit]")
    boss.wait_for_url("**/manage/")
    boss.fill("input[name=code-seats]", "5")
    boss.check(f"input[name=code-courses][value='{PLC}']")
    boss.click("form:has(input[value=code]) button[type=submit]")
    boss.wait_for_selector(".sponsor-code")
    code = boss.inner_text(".sponsor-code").strip()
    assert re.fullmatch(r"[A-Z2-9]{5}-[A-Z2-9]{5}", code)
    assert boss.inner_text(".seats-used").strip() == "0 / 5"
    assert boss.evaluate("document.documentElement.scrollWidth") <= 390

    # The worker opens the code link, signs up, verifies the address and enrols.
    worker_ctx = chromium_browser.new_context(viewport={"width": 390, "height": 844})
    worker = worker_ctx.new_page()
    worker.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    worker.goto(f"{live_server.url}/en/organisations/redeem/?code={code}")
    worker.wait_for_url("**/accounts/login/**")
    worker.click("main a[href*='/accounts/signup/']")
    worker.fill("input[name=email]", WORKER_EMAIL)
    worker.fill("input[name=password1]", WORKER_PASSWORD)
    worker.fill("input[name=password2]", WORKER_PASSWORD)
    worker.click("main form button[type=submit]")
    worker.wait_for_url("**/accounts/confirm-email/")
    link = re.search(r"https?://\S+/confirm-email/\S+", mail.outbox[-1].body).group(0)
    worker.goto(re.sub(r"^https?://[^/]+", live_server.url, link))
    worker.click("main form button[type=submit]")
    worker.wait_for_url("**/organisations/redeem/**")
    worker.click("form.course-choice button[type=submit]")
    worker.wait_for_selector("form.consent-form")
    user_id = get_user_model().objects.get(email=WORKER_EMAIL).pk
    assert (user_id, PLC) in apps.enrolments
    apps.enrolments[(user_id, PLC)] = 35  # the worker studies a while

    # Consent: the employer sees the progress.
    worker.check("input[name=share_progress]")
    worker.check("input[name=share_credentials]")
    worker.click("form.consent-form button[type=submit]")
    worker.wait_for_selector(".messages")
    boss.goto(f"{live_server.url}/en/organisations/")
    boss.click("a[href$='/team/']")
    boss.wait_for_selector(".skills-chart")
    row = boss.locator("tr.member-row", has_text="xiaohong")
    assert row.count() == 1
    assert "35%" in row.inner_text()

    # Withdrawal: the employer's next view no longer shows the worker.
    worker.uncheck("input[name=share_progress]")
    worker.uncheck("input[name=share_credentials]")
    worker.click("form.consent-form button[type=submit]")
    worker.wait_for_selector(".messages")
    boss.reload()
    assert boss.locator("tr.member-row", has_text="xiaohong").count() == 0
    assert "35%" not in boss.inner_text("main")
    _no_csp_errors(errors)
    boss_ctx.close()
    worker_ctx.close()
