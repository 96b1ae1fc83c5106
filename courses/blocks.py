"""StreamField blocks of lessons: text, media, code, callouts, files, quizzes and lab placeholders.

The PLC lab and Jupyter lab blocks carry their final fields already; the labs app replaces their
templates with the interactive lab. Until then they render a bilingual notice (see ADR 0031).
"""

from django.core.exceptions import ValidationError
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from labs.blocks import JupyterLabBlock, PlcLabBlock  # the labs app owns its lesson blocks

# Pygments has no IEC 61131-3 lexer; Structured Text is Pascal-derived, so the Delphi/Pascal
# lexer highlights its keywords, assignments and comments well enough.
CODE_LANGUAGES = [
    ("st", _("Structured Text (IEC 61131-3)")),
    ("python", "Python"),
    ("bash", "Shell"),
    ("json", "JSON"),
    ("yaml", "YAML"),
    ("sql", "SQL"),
    ("ini", "INI / config"),
    ("text", _("Plain text")),
]
_LEXER_ALIASES = {"st": "pascal"}


class ImageBlock(blocks.StructBlock):
    """An image with alternative text and a caption, served as responsive renditions."""

    image = ImageChooserBlock()
    alt = blocks.CharBlock(
        label=_("alternative text"), help_text=_("Describe the image for screen readers.")
    )
    caption = blocks.CharBlock(required=False, label=_("caption"))

    class Meta:
        icon = "image"
        label = _("Image")
        template = "courses/blocks/image.html"


class VideoBlock(blocks.StructBlock):
    """A video from an embed provider (Bilibili, YouTube) or an uploaded file."""

    embed = EmbedBlock(required=False, label=_("embed URL"))
    file = DocumentChooserBlock(required=False, label=_("uploaded video file"))
    caption = blocks.CharBlock(required=False, label=_("caption"))

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("embed")) == bool(value.get("file")):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "embed": ValidationError(_("Give either an embed URL or an uploaded file."))
                }
            )
        return value

    class Meta:
        icon = "media"
        label = _("Video")
        template = "courses/blocks/video.html"


class CodeBlock(blocks.StructBlock):
    """A code sample highlighted on the server (no JavaScript needed)."""

    language = blocks.ChoiceBlock(choices=CODE_LANGUAGES, default="st", label=_("language"))
    code = blocks.TextBlock(label=_("code"))
    caption = blocks.CharBlock(required=False, label=_("caption"))

    def highlighted(self, value) -> str:
        """The code as HTML, highlighted by Pygments with CSS classes (styles live in site.css)."""
        alias = _LEXER_ALIASES.get(value["language"], value["language"])
        lexer = get_lexer_by_name(alias, stripnl=False)
        return mark_safe(highlight(value["code"], lexer, HtmlFormatter(cssclass="highlight")))  # noqa: S308

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["highlighted"] = self.highlighted(value)
        return context

    class Meta:
        icon = "code"
        label = _("Code sample")
        template = "courses/blocks/code.html"


class CalloutBlock(blocks.StructBlock):
    """A boxed safety warning, tip or note."""

    kind = blocks.ChoiceBlock(
        choices=[("warning", _("Safety warning")), ("tip", _("Tip")), ("note", _("Note"))],
        default="tip",
        label=_("kind"),
    )
    title = blocks.CharBlock(required=False, label=_("title"))
    body = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul"], label=_("body"))

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = "courses/blocks/callout.html"


class DownloadBlock(blocks.StructBlock):
    """A downloadable file (worksheet, PLC project, data set)."""

    document = DocumentChooserBlock(label=_("file"))
    label = blocks.CharBlock(required=False, label=_("link text"))

    class Meta:
        icon = "download"
        label = _("Download")
        template = "courses/blocks/download.html"


class QuizBlock(blocks.StructBlock):
    """A quiz snippet placed in a lesson; passing it completes the lesson's quiz requirement."""

    quiz = SnippetChooserBlock("courses.Quiz", label=_("quiz"))

    class Meta:
        icon = "list-ul"
        label = _("Quiz")
        template = "courses/blocks/quiz.html"


class LessonStreamBlock(blocks.StreamBlock):
    """The body of a lesson."""

    text = blocks.RichTextBlock(
        features=["h2", "h3", "bold", "italic", "link", "ol", "ul", "code", "superscript"],
        label=_("Rich text"),
    )
    image = ImageBlock()
    video = VideoBlock()
    code = CodeBlock()
    callout = CalloutBlock()
    download = DownloadBlock()
    quiz = QuizBlock()
    plc_lab = PlcLabBlock()
    jupyter_lab = JupyterLabBlock()

    class Meta:
        label = _("Lesson body")


LAB_BLOCK_TYPES = frozenset({"plc_lab", "jupyter_lab"})
