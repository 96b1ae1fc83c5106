"""Demo content of the project shell: locales, the bilingual home page, the site, demo accounts.

Every loader in settings.DEMO_LOADERS is idempotent: running it again changes nothing.
"""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
from wagtail.models import Locale, Page, Site

from .models import HomePage

HOME_ZH = {
    "title": "首页",
    "hero_title": "工业互联网实训平台：OT 与 IT，一起学会",
    "hero_text": (
        "面向东莞等制造业城市的开源学习平台：在手机上学习 PLC、工业网络、数据与安全课程，"
        "在模拟 PLC 上动手实验，获得雇主可以在线核验的技能证书。"
    ),
    "workers_text": (
        "<p>用中文学习结构化文本（IEC 61131-3）编程，在模拟的电机、交通灯、水箱和传送带上"
        "反复练习，直到程序真正可用；通过实验后获得可验证的数字证书。</p>"
    ),
    "institutions_text": (
        "<p>高校和职业院校在后台发布培养方案：课程、课时、测验与实验，每个院校只编辑自己的页面，"
        "发布前经过审核。</p>"
    ),
    "employers_text": (
        "<p>中小企业免费核验应聘者的证书，为员工赞助培训名额，并查看团队经过验证的技能。</p>"
    ),
}
HOME_EN = {
    "title": "Home",
    "hero_title": "Industrial internet training: learn OT and IT together",
    "hero_text": (
        "An open-source learning platform for manufacturing cities such as Dongguan: courses on "
        "PLCs, industrial networks, data and security on your phone, hands-on labs on simulated "
        "PLCs, and skill credentials employers can verify online."
    ),
    "workers_text": (
        "<p>Learn Structured Text (IEC 61131-3) programming in Chinese or English, practise on "
        "simulated motors, traffic lights, tanks and conveyors until your program really works, "
        "and earn a verifiable digital credential when you pass.</p>"
    ),
    "institutions_text": (
        "<p>Universities and training colleges publish curricula in the admin: courses, hours, "
        "quizzes and labs. Each institution edits only its own pages, and a reviewer approves "
        "before anything is published.</p>"
    ),
    "employers_text": (
        "<p>Small and mid-sized firms verify candidates' credentials for free, sponsor training "
        "seats for their staff and see their team's verified skills.</p>"
    ),
}

DEMO_ADMIN = ("admin@demo.local", "demo-admin-pass", "平台管理员 Platform Admin")
DEMO_LEARNER = ("learner@demo.local", "demo-learner-pass", "李小明")


def demo_user(email: str, password: str, display_name: str, **flags):
    """Create (or fetch) a demo account with a verified primary e-mail address."""
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        email=email, defaults={"display_name": display_name, **flags}
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _home_pages() -> tuple[HomePage, HomePage]:
    zh, _ = Locale.objects.get_or_create(language_code="zh-hans")
    en, _ = Locale.objects.get_or_create(language_code="en")
    root = Page.get_first_root_node()
    # Wagtail's initial migration leaves a plain "Welcome" page (and a site on it) that
    # would clash with our home page's slug: the real home page replaces it.
    Page.objects.filter(
        depth=2, content_type__model="page", content_type__app_label="wagtailcore"
    ).delete()
    home_zh = HomePage.objects.filter(locale=zh).first()
    if home_zh is None:
        home_zh = root.add_child(instance=HomePage(slug="home", locale=zh, **HOME_ZH))
        home_zh.save_revision().publish()
    home_en = HomePage.objects.filter(locale=en).first()
    if home_en is None:
        home_en = home_zh.copy_for_translation(en)
        for field, value in HOME_EN.items():
            setattr(home_en, field, value)
        home_en.save_revision().publish()
    return home_zh, home_en


@transaction.atomic
def load(stdout) -> dict:
    """Load the shell's demo content; returns the accounts created, for the command to print."""
    home_zh, _home_en = _home_pages()
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "root_page": home_zh, "site_name": "OT/IT Academy"},
    )
    demo_user(*DEMO_ADMIN, is_staff=True, is_superuser=True)
    demo_user(*DEMO_LEARNER)
    stdout.write("Home page and site ready (zh-hans + en).")
    return {"admin": DEMO_ADMIN[:2], "learner": DEMO_LEARNER[:2]}
