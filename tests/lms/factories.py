"""Factories for the project shell's models."""

from wagtail.models import Locale, Page, Site

from lms.models import HomePage
from tests.factories import PASSWORD, UserFactory

__all__ = ["PASSWORD", "UserFactory", "make_site_home"]


def make_site_home() -> tuple[HomePage, HomePage]:
    """A bilingual home page as the default site's root (zh-hans source, en translation)."""
    zh, _ = Locale.objects.get_or_create(language_code="zh-hans")
    en, _ = Locale.objects.get_or_create(language_code="en")
    # A transactional test before this one may have flushed Wagtail's migrated root page.
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=zh)
    )
    Page.objects.filter(depth=2).delete()
    home_zh = root.add_child(
        instance=HomePage(title="首页", slug="home", locale=zh, hero_title="测试首页标题")
    )
    home_en = home_zh.copy_for_translation(en)
    home_en.title = "Home"
    home_en.hero_title = "Test home title"
    home_en.save_revision().publish()
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", root_page=home_zh, is_default_site=True)
    return home_zh, home_en
