"""Browser journey: an employer uploads a CSV and watches the progress bar (bulk.js) reach
the result, with the site's CSP in force (no inline script)."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def test_bulk_verification_progress_in_a_browser(issue, live_server, tmp_path):
    """Upload, progress page, result link appears; the page logs no CSP violation."""
    from playwright.sync_api import expect, sync_playwright

    from credentials import services

    credential = issue()
    csv_file = tmp_path / "list.csv"
    csv_file.write_text(f"url\n{services.absolute_url(credential.get_absolute_url())}\nnope\n")
    problems = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        page = browser.new_page()
        page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
        page.goto(f"{live_server.url}/en/credentials/verify/", timeout=20_000)
        page.set_input_files("input[name=csv_file]", str(csv_file))
        page.click("form[action$='/verify/bulk/'] button[type=submit]")
        page.wait_for_selector("#bulk-result-link", state="visible", timeout=20_000)
        assert page.eval_on_selector("#bulk-progress", "el => el.value") == 100
        # Whether the job finished before the page was rendered or while it polled, the count
        # reads in the page's language.
        expect(page.locator("#bulk-count")).to_have_text("2 of 2 checked", timeout=20_000)
        browser.close()
    assert not [p for p in problems if "Content Security Policy" in p], problems
    assert not [p for p in problems if "Refused" in p or "TypeError" in p], problems
