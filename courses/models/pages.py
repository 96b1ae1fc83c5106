"""The page tree: institution catalogue > programmes and courses > modules > lessons."""

from django import forms
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.url_routing import RouteResult

from ..blocks import LAB_BLOCK_TYPES, LessonStreamBlock
from ..search import segment
from .forms import LessonPageForm
from .taxonomy import Industry, Institution, Level, Skill


class ContentLanguage(models.TextChoices):
    """The language a course is taught in."""

    ZH_HANS = "zh-hans", "简体中文"
    EN = "en", "English"
    BILINGUAL = "bilingual", _("Bilingual")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def institution_for_path(path: str) -> Institution | None:
    """The institution whose catalogue page (in any locale) is an ancestor of `path`."""
    ancestors = [path[:i] for i in range(Page.steplen, len(path) + 1, Page.steplen)]
    catalogue = CataloguePage.objects.filter(path__in=ancestors).only("translation_key").first()
    if catalogue is None:
        return None
    return Institution.objects.filter(root_page__translation_key=catalogue.translation_key).first()


class CachedRestrictionsMixin:
    """View restrictions taken from the cached route when there is one (courses.pagecache):
    Wagtail checks them on every request, which costs two queries."""

    def get_view_restrictions(self):
        cached = self.__dict__.get("_cached_view_restrictions")
        if cached is not None:
            return cached
        return super().get_view_restrictions()


class CataloguePage(CachedRestrictionsMixin, Page):
    """An institution's catalogue: the root of its subtree, listing programmes and courses."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["courses.ProgramPage", "courses.CoursePage"]

    class Meta:
        verbose_name = _("institution catalogue")

    def route(self, request, path_components):
        """Resolve the rest of the path in one lookup by `url_path` (two queries) instead of
        Wagtail's two queries per level; the pages below have no routing of their own."""
        if not path_components:
            return super().route(request, path_components)
        url_path = self.url_path + "/".join(path_components) + "/"
        page = Page.objects.filter(url_path=url_path, path__startswith=self.path).specific()
        page = page.first()
        if page is None or not page.live:
            raise Http404
        return RouteResult(page)

    def get_context(self, request, *args, **kwargs):
        from ..selectors import catalogue_entries

        context = super().get_context(request, *args, **kwargs)
        context.update(catalogue_entries(locale=self.locale, within=self))
        return context


class _TrainingPage(CachedRestrictionsMixin, Page):
    """Fields shared by programmes and courses."""

    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    summary = models.TextField(_("summary"))
    outcomes = models.TextField(
        _("learning outcomes"), blank=True, help_text=_("One outcome per line.")
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    credential_template_id = models.PositiveIntegerField(
        _("credential template"),
        null=True,
        blank=True,
        help_text=_("Id of the credential template (credentials app) awarded on completion."),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.institution_id is None and self.path:
            self.institution = institution_for_path(self.path)
        super().save(*args, **kwargs)

    @property
    def outcomes_list(self) -> list[str]:
        return _lines(self.outcomes)

    def search_text(self) -> str:
        """Segmented text for the Chinese-aware search index (see courses.search)."""
        parts = [self.title, self.summary, self.outcomes]
        if self.institution_id:
            parts += [self.institution.name_zh, self.institution.name_en]
        return segment(" ".join(parts))


class ProgramPage(_TrainingPage):
    """A programme: an ordered curriculum of courses leading to a credential."""

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("outcomes"),
        FieldPanel("cover_image"),
        InlinePanel("program_courses", label=_("courses"), min_num=1),
        FieldPanel("credential_template_id"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("search_text"),
    ]
    parent_page_types = ["courses.CataloguePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("programme")

    def get_context(self, request, *args, **kwargs):
        from ..selectors import program_detail

        context = super().get_context(request, *args, **kwargs)
        context.update(program_detail(self, request.user))
        return context


class ProgramCourse(Orderable):
    """A course's place in a programme."""

    program = ParentalKey(ProgramPage, on_delete=models.CASCADE, related_name="program_courses")
    course = models.ForeignKey(
        "courses.CoursePage", verbose_name=_("course"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("course")]

    class Meta(Orderable.Meta):
        verbose_name = _("programme course")


class CoursePage(_TrainingPage):
    """A course: modules of lessons, the skills it teaches and the rules for completing it."""

    audience = models.TextField(_("audience"), blank=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    hours = models.PositiveSmallIntegerField(_("hours"), default=1)
    language = models.CharField(
        _("teaching language"),
        max_length=10,
        choices=ContentLanguage.choices,
        default=ContentLanguage.ZH_HANS,
    )
    industries = ParentalManyToManyField(Industry, blank=True, verbose_name=_("industries"))
    skills = ParentalManyToManyField(Skill, blank=True, verbose_name=_("skills taught"))
    prerequisites = ParentalManyToManyField(
        "self",
        blank=True,
        symmetrical=False,
        related_name="required_by",
        verbose_name=_("prerequisites"),
    )
    require_lessons = models.BooleanField(_("all required lessons must be done"), default=True)
    require_quizzes = models.BooleanField(_("all quizzes must be passed"), default=True)
    require_labs = models.BooleanField(_("all labs must be passed"), default=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("audience"),
        MultiFieldPanel(
            [FieldPanel("level"), FieldPanel("hours"), FieldPanel("language")],
            heading=_("Format"),
        ),
        FieldPanel("industries", widget=forms.CheckboxSelectMultiple),
        FieldPanel("skills"),
        FieldPanel("prerequisites"),
        FieldPanel("outcomes"),
        FieldPanel("cover_image"),
        MultiFieldPanel(
            [
                FieldPanel("credential_template_id"),
                FieldPanel("require_lessons"),
                FieldPanel("require_quizzes"),
                FieldPanel("require_labs"),
            ],
            heading=_("Completion and credential"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("search_text"),
        index.FilterField("level"),
        index.FilterField("language"),
        index.FilterField("hours"),
        index.FilterField("institution"),
    ]
    parent_page_types = ["courses.CataloguePage"]
    subpage_types = ["courses.ModulePage"]

    class Meta:
        verbose_name = _("course")

    def serve(self, request, *args, **kwargs):
        from ..pagecache import LearnerPageCache

        page_cache = LearnerPageCache(request)
        cached = page_cache.response()
        if cached is not None:
            return cached
        response = super().serve(request, *args, **kwargs)
        page_cache.store_after_render(response)
        return response

    def get_context(self, request, *args, **kwargs):
        from ..pagecache import ENTRY_SECONDS, content_version
        from ..selectors import course_detail

        context = super().get_context(request, *args, **kwargs)
        preview = getattr(request, "is_preview", False)
        context.update(course_detail(self, request.user, cached=not preview))
        # Fragments of the page that are the same for everyone; never cached in previews.
        context["content_version"] = content_version()
        context["fragment_seconds"] = 0 if preview else ENTRY_SECONDS
        return context


class ModulePage(CachedRestrictionsMixin, Page):
    """A module: a group of lessons within a course."""

    summary = models.TextField(_("summary"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("summary")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("module")

    def serve(self, request, *args, **kwargs):
        # A module has no page of its own: its course shows the outline.
        return HttpResponseRedirect(self.get_parent().url)


class LessonPage(CachedRestrictionsMixin, Page):
    """A lesson: a StreamField body; quizzes and labs in it become completion requirements."""

    summary = models.TextField(_("summary"), blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=15)
    is_required = models.BooleanField(
        _("required"), default=True, help_text=_("Optional lessons do not count for completion.")
    )
    body = StreamField(LessonStreamBlock(), verbose_name=_("body"))
    has_quiz = models.BooleanField(default=False, editable=False)
    has_lab = models.BooleanField(default=False, editable=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("duration_minutes"),
        FieldPanel("is_required"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary")]
    base_form_class = LessonPageForm
    parent_page_types = ["courses.ModulePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("lesson")

    def save(self, *args, **kwargs):
        kinds = {block.block_type for block in self.body}
        self.has_quiz = "quiz" in kinds
        self.has_lab = bool(kinds & LAB_BLOCK_TYPES)
        super().save(*args, **kwargs)

    def quiz_ids(self) -> list[int]:
        """Ids of the quiz snippets placed in the body."""
        return [b.value["quiz"].pk for b in self.body if b.block_type == "quiz" and b.value["quiz"]]

    def serve(self, request, *args, **kwargs):
        from ..pagecache import LearnerPageCache
        from ..selectors import RESUME_WRITE_INTERVAL
        from ..services import lesson_viewed

        page_cache = LearnerPageCache(request)
        cached = page_cache.response()
        if cached is not None:
            return cached
        detail = self._lesson_detail(request)
        if detail["refusal"] is not None:
            from django.contrib import messages

            messages.info(request, detail["refusal"])
            return HttpResponseRedirect(detail["course"].url)
        if not detail["view_recorded"]:
            # Not cached: the next request renders the page again, after this write.
            lesson_viewed(request.user.pk, self.pk)
            return super().serve(request, *args, **kwargs)
        response = super().serve(request, *args, **kwargs)
        enrolment = detail["enrolment"]
        # Served from the cache until the "resume" position is due to be written again.
        page_cache.store_after_render(
            response, enrolment.last_seen_at + RESUME_WRITE_INTERVAL if enrolment else None
        )
        return response

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(self._lesson_detail(request))
        return context

    def _lesson_detail(self, request) -> dict:
        """The lesson player's context, computed once per request (serve and get_context)."""
        from ..pagecache import lesson_body, lesson_body_quizzes
        from ..selectors import lesson_detail

        if getattr(request, "_courses_lesson", (None,))[0] is not self:
            cached = not getattr(request, "is_preview", False)
            body = lesson_body(self, request, cached)
            detail = lesson_detail(self, request.user, cached, quizzes=lesson_body_quizzes(body))
            detail["body_parts"] = body
            request._courses_lesson = (self, detail)
        return request._courses_lesson[1]
