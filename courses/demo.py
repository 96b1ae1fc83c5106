"""Demo content of the courses app: Demo Polytechnic, its programme, five courses, quizzes,
generated diagrams and the instructor and reviewer accounts. Idempotent (slugs and codes are
looked up before anything is created).
"""

import io

from django.core.files.images import ImageFile
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Page

from lms.demo import demo_user

from . import demo_content as data
from . import services
from .models import (
    CataloguePage,
    CoursePage,
    Industry,
    Institution,
    LessonPage,
    ModulePage,
    ProgramCourse,
    ProgramPage,
    Quiz,
    Skill,
)

DEMO_INSTRUCTOR = ("instructor@demo.local", "demo-instructor-pass", "王老师 Teacher Wang")
DEMO_REVIEWER = ("reviewer@demo.local", "demo-reviewer-pass", "陈主任 Director Chen")
DEMO_LEARNER_EMAIL = "learner@demo.local"

_FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
]


def _font(size: int):
    for path in _FONT_CANDIDATES:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def _box(draw, xy, text, fill, font, ink="#1d2430"):
    draw.rounded_rectangle(xy, radius=12, fill=fill, outline="#1d2430", width=2)
    x0, y0, x1, y1 = xy
    draw.multiline_text(
        ((x0 + x1) / 2, (y0 + y1) / 2), text, fill=ink, font=font, anchor="mm", align="center"
    )


def _arrow(draw, start, end):
    draw.line([start, end], fill="#1d2430", width=3)
    (x0, y0), (x1, y1) = start, end
    if abs(x1 - x0) > abs(y1 - y0):
        sign = 1 if x1 > x0 else -1
        draw.polygon([(x1, y1), (x1 - 12 * sign, y1 - 7), (x1 - 12 * sign, y1 + 7)], fill="#1d2430")
    else:
        sign = 1 if y1 > y0 else -1
        draw.polygon([(x1, y1), (x1 - 7, y1 - 12 * sign), (x1 + 7, y1 - 12 * sign)], fill="#1d2430")


def _scan_cycle(draw, font, small):
    draw.text((40, 30), "PLC scan cycle / 扫描周期", fill="#0b6e4f", font=font)
    steps = [
        ("1  Read inputs\n读取输入映像", "#e6f4ea"),
        ("2  Run program\n执行用户程序", "#fdf3e8"),
        ("3  Write outputs\n刷新输出映像", "#edf3fa"),
    ]
    for i, (text, fill) in enumerate(steps):
        x = 40 + i * 300
        _box(draw, (x, 120, x + 240, 240), text, fill, small)
        if i < 2:
            _arrow(draw, (x + 240, 180), (x + 300, 180))
    draw.line([(820, 240), (820, 300), (160, 300)], fill="#1d2430", width=3)
    _arrow(draw, (160, 300), (160, 242))
    draw.text((330, 310), "repeat every 1–20 ms / 每 1–20 毫秒重复", fill="#5b6677", font=small)


def _modbus_frame(draw, font, small):
    draw.text((40, 30), "Modbus TCP request / 请求报文", fill="#0b6e4f", font=font)
    fields = [
        ("Transaction\n2 B", 120),
        ("Protocol=0\n2 B", 120),
        ("Length\n2 B", 100),
        ("Unit\n1 B", 80),
        ("Function 03\n1 B", 130),
        ("Start addr\n2 B", 130),
        ("Count\n2 B", 110),
    ]
    x = 40
    for i, (text, width) in enumerate(fields):
        fill = "#edf3fa" if i < 4 else "#fdf3e8"
        _box(draw, (x, 130, x + width, 230), text, fill, small)
        x += width + 6
    draw.text((40, 250), "MBAP header (7 bytes) / 报文头", fill="#3b6ea8", font=small)
    draw.text((520, 250), "PDU / 协议数据单元", fill="#e07a1f", font=small)
    draw.text((40, 310), "TCP port 502 · big-endian 16-bit registers", fill="#5b6677", font=small)


def _oee(draw, font, small):
    draw.text((40, 30), "OEE = A × P × Q", fill="#0b6e4f", font=font)
    bars = [
        ("Planned time 计划时间 480 min", 800, "#dde1e7"),
        ("Run time 运行时间 432 min (A = 90%)", 720, "#e6f4ea"),
        ("Net run 净运行 360 min (P = 83%)", 600, "#fdf3e8"),
        ("Good output 良品 342 min (Q = 95%)", 570, "#edf3fa"),
    ]
    for i, (label, width, fill) in enumerate(bars):
        y = 100 + i * 62
        draw.rounded_rectangle((40, y, 40 + width, y + 48), radius=8, fill=fill, outline="#1d2430")
        draw.text((54, y + 24), label, fill="#1d2430", font=small, anchor="lm")
    draw.text((40, 360), "OEE = 0.90 × 0.83 × 0.95 ≈ 71%", fill="#5b6677", font=small)


def _zones(draw, font, small):
    draw.text((40, 30), "Zones and conduits / 区域与管道 (IEC 62443)", fill="#0b6e4f", font=font)
    _box(draw, (40, 100, 300, 200), "Enterprise zone\n企业区 (ERP, e-mail)", "#edf3fa", small)
    _box(draw, (340, 100, 600, 200), "DMZ\n隔离区 (MES, historian)", "#fdf3e8", small)
    _box(draw, (640, 100, 900, 200), "Line 1 zone\n产线区 (PLC, HMI) SL 2", "#e6f4ea", small)
    _arrow(draw, (300, 150), (338, 150))
    _arrow(draw, (600, 150), (638, 150))
    draw.text((250, 230), "conduit: HTTPS only", fill="#b3261e", font=small)
    draw.text((560, 230), "conduit: OPC UA 4840", fill="#b3261e", font=small)
    draw.text((40, 320), "Firewall on every conduit · 每条管道设防火墙", fill="#5b6677", font=small)


def _isa95(draw, font, small):
    draw.text((40, 20), "ISA-95 / IEC 62264", fill="#0b6e4f", font=font)
    levels = [
        ("Level 4  ERP · business planning 经营计划 (days)", 300, "#edf3fa"),
        ("Level 3  MES · operations 生产运行 (shifts, hours)", 460, "#fdf3e8"),
        ("Level 2  PLC / HMI / SCADA 监控 (seconds)", 620, "#e6f4ea"),
        ("Level 1  sensors, actuators 传感执行 (ms)", 780, "#f6f7f9"),
        ("Level 0  physical process 物理过程", 900, "#dde1e7"),
    ]
    for i, (label, width, fill) in enumerate(levels):
        y = 80 + i * 60
        x0 = 470 - width // 2
        draw.rectangle((x0, y, x0 + width, y + 50), fill=fill, outline="#1d2430", width=2)
        draw.text((470, y + 25), label, fill="#1d2430", font=small, anchor="mm")


DIAGRAMS = {
    "scan_cycle": ("PLC scan cycle", "The three steps of the PLC scan cycle", _scan_cycle),
    "modbus_frame": ("Modbus TCP frame", "Fields of a Modbus TCP read request", _modbus_frame),
    "oee": ("OEE waterfall", "Planned time shrinking to good output: OEE", _oee),
    "zones": ("Zones and conduits", "Enterprise, DMZ and line zones joined by conduits", _zones),
    "isa95": ("ISA-95 levels", "The ISA-95 pyramid from process to ERP", _isa95),
}


def _diagram_image(key: str, collection):
    """The Wagtail image of diagram `key`, drawn with Pillow on first use."""
    title, _alt, painter = DIAGRAMS[key]
    image_model = get_image_model()
    existing = image_model.objects.filter(title=f"Demo: {title}").first()
    if existing is not None:
        return existing
    canvas = PILImage.new("RGB", (960, 400), "white")
    draw = ImageDraw.Draw(canvas)
    painter(draw, _font(30), _font(20))
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG")
    image = image_model(
        title=f"Demo: {title}",
        collection=collection,
        file=ImageFile(io.BytesIO(buffer.getvalue()), name=f"demo-{key}.png"),
    )
    image.save()
    return image


def _body(blocks, collection, quiz=None):
    body = []
    for kind, value in blocks:
        if kind == "diagram":
            title, alt, _painter = DIAGRAMS[value]
            body.append(
                (
                    "image",
                    {"image": _diagram_image(value, collection), "alt": alt, "caption": title},
                )
            )
        else:
            body.append((kind, value))
    if quiz is not None:
        body.append(("quiz", {"quiz": quiz}))
    return body


def _question_blocks(questions, lang: str):
    index = 0 if lang == "zh" else 1
    blocks = []
    for q in questions:
        correct_fb, wrong_fb = q["fb"][index]
        common = {
            "prompt": q[lang],
            "points": 1,
            "feedback_correct": correct_fb,
            "feedback_incorrect": wrong_fb,
        }
        kind = q["type"]
        if kind in {"single_choice", "multiple_choice"}:
            common["choices"] = [
                {"text": option[index], "correct": option[2]} for option in q["options"]
            ]
        elif kind == "true_false":
            common["answer"] = q["answer"]
        elif kind == "numeric":
            common.update(answer=float(q["answer"]), tolerance=q["tolerance"], unit=q["unit"])
        elif kind == "short_text":
            common.update(accepted_answers=q["accepted"], case_sensitive=False)
        elif kind == "ordering":
            common["items"] = [item[index] for item in q["items"]]
        blocks.append((kind, common))
    return blocks


def _quiz(spec, zh: Locale, en: Locale, institution: Institution) -> tuple[Quiz, Quiz]:
    quiz_zh = Quiz.objects.filter(title=spec["zh_title"], locale=zh).first()
    if quiz_zh is None:
        quiz_zh = Quiz.objects.create(
            title=spec["zh_title"],
            locale=zh,
            institution=institution,
            intro="答对 70% 即可通过，可以尝试 3 次。",
            questions=_question_blocks(spec["questions"], "zh"),
            pass_mark=spec["pass_mark"],
            max_attempts=3,
        )
    quiz_en = Quiz.objects.filter(translation_key=quiz_zh.translation_key, locale=en).first()
    if quiz_en is None:
        quiz_en = quiz_zh.copy_for_translation(en)
        quiz_en.title = spec["en_title"]
        quiz_en.intro = "Score 70% to pass; you have 3 attempts."
        quiz_en.questions = _question_blocks(spec["questions"], "en")
        quiz_en.save()
    Quiz.objects.filter(translation_key=quiz_zh.translation_key, institution=None).update(
        institution=institution
    )
    return quiz_zh, quiz_en


def _child(parent: Page, model, slug: str, **fields):
    """The live child of `parent` with `slug`, created and published when missing."""
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing
    page = parent.add_child(instance=model(slug=slug, locale=parent.locale, **fields))
    page.save_revision().publish()
    return page


def _translation(page: Page, en: Locale, **fields):
    """The English translation of `page`, created, filled and published when missing."""
    existing = type(page).objects.filter(translation_key=page.translation_key, locale=en).first()
    if existing is not None:
        return existing
    copy = page.copy_for_translation(en)
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save_revision().publish()
    return type(page).objects.get(pk=copy.pk)


def _course(catalogue_zh, spec, en, collection, quizzes):
    zh_fields, en_fields = spec["zh"], spec["en"]
    course = _child(
        catalogue_zh,
        CoursePage,
        spec["slug"],
        title=zh_fields["title"],
        summary=zh_fields["summary"],
        audience=zh_fields["audience"],
        outcomes="\n".join(zh_fields["outcomes"]),
        level=spec["level"],
        hours=spec["hours"],
        language=spec["language"],
    )
    if course.cover_image_id is None:  # first load: tag it and publish once more
        course.skills.set(Skill.objects.filter(code__in=spec["skills"]))
        course.industries.set(Industry.objects.filter(code__in=spec["industries"]))
        course.cover_image = _diagram_image(spec["diagram"], collection)
        course.save_revision().publish()
        course = CoursePage.objects.get(pk=course.pk)
    course_en = _translation(
        course,
        en,
        title=en_fields["title"],
        summary=en_fields["summary"],
        audience=en_fields["audience"],
        outcomes="\n".join(en_fields["outcomes"]),
    )
    quiz_zh, quiz_en = quizzes
    modules = spec["modules"]
    for m_index, module_spec in enumerate(modules):
        module = _child(course, ModulePage, module_spec["slug"], title=module_spec["zh"])
        _translation(module, en, title=module_spec["en"])
        lessons = list(module_spec["lessons"])
        if m_index == len(modules) - 1:
            lessons.append(
                {
                    "slug": "quiz",
                    "minutes": 15,
                    "zh": {
                        "title": "课程测验",
                        "summary": "检查你掌握了本课程的要点。",
                        "body": [("text", "<p>完成下面的测验。通过后本课即完成。</p>")],
                        "quiz": quiz_zh,
                    },
                    "en": {
                        "title": "Course quiz",
                        "summary": "Check that you have the key points of this course.",
                        "body": [
                            ("text", "<p>Take the quiz below; passing it completes the lesson.</p>")
                        ],
                        "quiz": quiz_en,
                    },
                }
            )
        for lesson_spec in lessons:
            zh_lesson, en_lesson = lesson_spec["zh"], lesson_spec["en"]
            lesson = _child(
                module,
                LessonPage,
                lesson_spec["slug"],
                title=zh_lesson["title"],
                summary=zh_lesson["summary"],
                duration_minutes=lesson_spec["minutes"],
                body=_body(zh_lesson["body"], collection, zh_lesson.get("quiz")),
            )
            _translation(
                lesson,
                en,
                title=en_lesson["title"],
                summary=en_lesson["summary"],
                body=_body(en_lesson["body"], collection, en_lesson.get("quiz")),
            )
    return course, course_en


def _pass_plc_labs(user_id: int, lesson_page_id: int) -> None:
    """Real graded attempts at the lesson's PLC labs (their reference solutions, through the
    labs services), so the credential issued when the course completes carries the
    learner's lab results as evidence. Labs already passed are left as they are."""
    from labs import selectors as lab_selectors
    from labs import services as lab_services

    for block_id, _config in lab_selectors.plc_labs(lesson_page_id):
        lab_services.submission_reference_pass(user_id, lesson_page_id, block_id)


def _complete_course(user_id: int, course: CoursePage) -> None:
    """Record the demo learner's history in a course through the real services: every lesson
    read, every quiz and lab passed (idempotent: finished lessons are left as they are)."""
    services.enrolment_create(user_id, course.pk, None)
    for lesson in LessonPage.objects.live().descendant_of(course).order_by("path"):
        services.lesson_viewed(user_id, lesson.pk)
        if lesson.has_quiz:
            services.lesson_requirement_complete(user_id, lesson.pk, "quiz", 1.0, True)
        if lesson.has_lab:
            _pass_plc_labs(user_id, lesson.pk)
            services.lesson_requirement_complete(user_id, lesson.pk, "lab", 1.0, True)
        if not (lesson.has_quiz or lesson.has_lab):
            services.lesson_mark_read(user_id, lesson.pk)


@transaction.atomic
def load(stdout) -> dict:
    """Load Demo Polytechnic's bilingual curriculum and its staff accounts."""
    zh, _created = Locale.objects.get_or_create(language_code="zh-hans")
    en, _created = Locale.objects.get_or_create(language_code="en")
    home_zh = Page.objects.filter(depth=2, locale=zh).first()
    if home_zh is None:
        stdout.write("courses: no home page; run the lms loader first.")
        return {}
    home_en = home_zh.get_translation_or_none(en)

    for code, name_zh, name_en in data.INDUSTRIES:
        Industry.objects.update_or_create(
            code=code, defaults={"name_zh": name_zh, "name_en": name_en}
        )
    for code, area, level, name_zh, name_en, framework, url in data.SKILLS:
        Skill.objects.update_or_create(
            code=code,
            defaults={
                "area": area,
                "level": level,
                "name_zh": name_zh,
                "name_en": name_en,
                "framework_name": framework,
                "framework_url": url,
            },
        )

    spec = data.INSTITUTION
    catalogue_zh = _child(
        home_zh, CataloguePage, "demo-polytechnic", title=spec["name_zh"], intro=spec["intro_zh"]
    )
    if home_en is not None:
        _translation(catalogue_zh, en, title=spec["name_en"], intro=spec["intro_en"])
    institution, _created = Institution.objects.update_or_create(
        slug=spec["slug"],
        defaults={
            "name_zh": spec["name_zh"],
            "name_en": spec["name_en"],
            "kind": spec["kind"],
            "website": spec["website"],
            "root_page": catalogue_zh,
        },
    )
    collection = Collection.objects.get(name=institution.slug)
    if institution.logo_id is None:
        institution.logo = _logo(collection)
        institution.save()

    courses = {}
    for course_spec in data.COURSES:
        quizzes = _quiz(course_spec["quiz"], zh, en, institution)
        courses[course_spec["slug"]] = _course(catalogue_zh, course_spec, en, collection, quizzes)
    for course_spec in data.COURSES:
        course_zh, _course_en = courses[course_spec["slug"]]
        wanted = [courses[slug][0] for slug in course_spec["prerequisites"]]
        if set(course_zh.prerequisites.all()) != set(wanted):
            course_zh.prerequisites.set(wanted)
            course_zh.save_revision().publish()

    program_spec = data.PROGRAM
    program = ProgramPage.objects.child_of(catalogue_zh).filter(slug=program_spec["slug"]).first()
    if program is None:
        program = ProgramPage(
            slug=program_spec["slug"],
            locale=zh,
            title=program_spec["zh"]["title"],
            summary=program_spec["zh"]["summary"],
            outcomes="\n".join(program_spec["zh"]["outcomes"]),
        )
        for order, course_spec in enumerate(data.COURSES):
            program.program_courses.add(
                ProgramCourse(course=courses[course_spec["slug"]][0], sort_order=order)
            )
        catalogue_zh.add_child(instance=program)
        program.save_revision().publish()
    _translation(
        program,
        en,
        title=program_spec["en"]["title"],
        summary=program_spec["en"]["summary"],
        outcomes="\n".join(program_spec["en"]["outcomes"]),
    )

    instructor = demo_user(*DEMO_INSTRUCTOR, is_staff=True)
    instructor.groups.add(institution.editors_group)
    reviewer = demo_user(*DEMO_REVIEWER, is_staff=True)
    reviewer.groups.add(institution.reviewers_group)

    learner = type(instructor).objects.filter(email=DEMO_LEARNER_EMAIL).first()
    if learner is not None:
        plc = courses["plc-structured-text"][0]
        services.enrolment_create(learner.pk, plc.pk, None)
        first_lesson = LessonPage.objects.descendant_of(plc).order_by("path").first()
        services.lesson_mark_read(learner.pk, first_lesson.pk)
        services.lesson_viewed(learner.pk, first_lesson.pk)
        # Two finished courses, so the demo learner holds credentials (credentials demo).
        for slug in ("industrial-networks", "mes-isa95"):
            _complete_course(learner.pk, courses[slug][0])

    stdout.write(
        f"Demo Polytechnic: {len(courses)} courses, 1 programme, quizzes and labs (zh-hans + en)."
    )
    return {
        "instructor": DEMO_INSTRUCTOR[:2],
        "reviewer": DEMO_REVIEWER[:2],
    }


def _logo(collection):
    image_model = get_image_model()
    existing = image_model.objects.filter(title="Demo: Demo Polytechnic logo").first()
    if existing is not None:
        return existing
    canvas = PILImage.new("RGB", (400, 400), "#0b6e4f")
    draw = ImageDraw.Draw(canvas)
    draw.ellipse((40, 40, 360, 360), outline="white", width=12)
    draw.text((200, 200), "DP", fill="white", font=_font(140), anchor="mm")
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG")
    image = image_model(
        title="Demo: Demo Polytechnic logo",
        collection=collection,
        file=ImageFile(io.BytesIO(buffer.getvalue()), name="demo-polytechnic-logo.png"),
    )
    image.save()
    return image
