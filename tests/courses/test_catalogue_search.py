"""Catalogue search finds Chinese words inside titles and English terms in either language.

Runs on SQLite by default and on PostgreSQL when DATABASE_URL names one (the `services` run).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from courses import selectors
from courses.models import CoursePage, Skill
from courses.search import segment, segment_query

from .factories import (
    IndustryFactory,
    SkillFactory,
    locale,
    make_course,
    make_institution,
    translate,
    translate_course,
)

pytestmark = pytest.mark.django_db


def _titles(query="", lang="zh-hans", **filters):
    params = {"q": query, **filters}
    result = selectors.catalogue_entries(
        locale=locale(lang), filters=selectors.CatalogueFilters.from_query(params)
    )
    return [course.title for course in result["courses"]]


@pytest.fixture
def catalogue():
    """Two Chinese courses with English translations, tagged with skills and industries."""
    institution = make_institution("demo", "Demo Polytechnic")
    translate(institution.root_page, "en")
    plc_skill = SkillFactory(code="PLC-ST-1", area="plc")
    net_skill = SkillFactory(code="NET-MB-1", area="networks")
    electronics = IndustryFactory(code="electronics")
    plc = make_course(
        institution,
        "PLC 编程基础",
        summary="用结构化文本编写梯形图之外的 PLC 程序。",
        level="beginner",
        hours=12,
    )
    plc.skills.add(plc_skill)
    plc.industries.add(electronics)
    plc.save()
    modbus = make_course(
        institution,
        "工业网络：Modbus TCP 与 OPC UA",
        summary="读写保持寄存器，浏览 OPC UA 地址空间。",
        level="intermediate",
        hours=16,
    )
    modbus.skills.add(net_skill)
    modbus.save()
    translate_course(plc, title="PLC programming basics", summary="Structured Text for PLCs.")
    translate_course(
        modbus,
        title="Industrial networks: Modbus TCP and OPC UA",
        summary="Read holding registers and browse an OPC UA address space.",
    )
    return institution


def test_segmentation_splits_chinese_words():
    """jieba search-mode segmentation exposes 编程 inside 编程基础; queries segment the same way."""
    assert "编程" in segment("PLC 编程基础").split()
    assert segment_query("  编程 ") == "编程"
    assert segment_query("Modbus/TCP") == "modbus tcp"
    assert segment_query("!!!") == ""


def test_chinese_word_inside_a_title_is_found(catalogue):
    """Searching 编程 finds "PLC 编程基础" (and not the networks course)."""
    assert _titles("编程") == ["PLC 编程基础"]
    assert _titles("网络") == ["工业网络：Modbus TCP 与 OPC UA"]


def test_modbus_is_found_in_either_language(catalogue):
    """Searching "modbus" (any case) finds the Modbus course in Chinese and in English."""
    assert _titles("modbus") == ["工业网络：Modbus TCP 与 OPC UA"]
    assert _titles("MODBUS", lang="en") == ["Industrial networks: Modbus TCP and OPC UA"]
    assert _titles("programming", lang="en") == ["PLC programming basics"]


def test_no_match_and_nonsense_queries_are_harmless(catalogue):
    """A query with no match lists nothing; punctuation-only queries list everything."""
    assert _titles("区块链") == []
    assert len(_titles("%%%'\"")) == 2


def test_filters_combine_with_search(catalogue):
    """Level, skill, industry, institution, hours filters narrow the list; bad values ignored."""
    assert _titles(level="intermediate") == ["工业网络：Modbus TCP 与 OPC UA"]
    assert _titles(skill="PLC-ST-1") == ["PLC 编程基础"]
    assert _titles(industry="electronics") == ["PLC 编程基础"]
    assert _titles(max_hours="12") == ["PLC 编程基础"]
    assert len(_titles(institution="demo", level="nonsense", max_hours="x")) == 2
    assert _titles("modbus", level="beginner") == []


def test_catalogue_page_searches(catalogue, client):
    """The catalogue view renders the search results in the active language."""
    with translation.override("zh-hans"):
        response = client.get("/zh-hans/learn/catalogue/", {"q": "编程"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "PLC 编程基础" in html and "Modbus TCP 与" not in html
    response = client.get("/en/learn/catalogue/", {"q": "modbus"})
    assert "Industrial networks: Modbus TCP and OPC UA" in response.content.decode()


def test_catalogue_cache_follows_publication(catalogue, client):
    """A course unpublished after the catalogue was cached disappears from it at once."""
    client.get("/zh-hans/learn/catalogue/")
    assert "PLC 编程基础" in client.get("/zh-hans/learn/catalogue/").content.decode()
    course = CoursePage.objects.get(title="PLC 编程基础")
    course.unpublish()
    response = client.get("/zh-hans/learn/catalogue/")
    assert "PLC 编程基础" not in response.content.decode()
    response = client.get("/en/learn/catalogue/", {"q": "modbus"})
    assert "Industrial networks: Modbus TCP and OPC UA" in response.content.decode()


def test_cached_catalogue_follows_skill_edits_and_filters(catalogue, client, learner):
    """The whole catalogue page is cached (no query on a second visit), yet a renamed skill
    shows on the next request, each filter gets its own page and a signed-in learner sees
    their own header with a working CSRF token."""
    client.force_login(learner)
    url = "/en/learn/catalogue/"
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        html = client.get(url).content.decode()
    assert [q for q in captured.captured_queries if "django_session" not in q["sql"]] == []
    assert "Log out" in html and "courses-csrf-token-placeholder" not in html
    skill = Skill.objects.get(code="PLC-ST-1")
    skill.name_en = "Structured Text, renamed"
    skill.save()
    assert "Structured Text, renamed" in client.get(url).content.decode()
    filtered = client.get(url, {"level": "intermediate"}).content.decode()
    assert "Industrial networks: Modbus TCP and OPC UA" in filtered
    assert "PLC programming basics" not in filtered
    client.logout()
    assert "Log out" not in client.get(url).content.decode()
