"""Question blocks of a quiz. Correct answers live only here, on the server (ADR 0032)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class _QuestionBlock(blocks.StructBlock):
    prompt = blocks.TextBlock(label=_("question"))
    points = blocks.IntegerBlock(default=1, min_value=1, max_value=100, label=_("points"))
    feedback_correct = blocks.TextBlock(required=False, label=_("feedback when correct"))
    feedback_incorrect = blocks.TextBlock(required=False, label=_("feedback when incorrect"))


class ChoiceBlock(blocks.StructBlock):
    """One answer option of a choice question."""

    text = blocks.CharBlock(label=_("option"))
    correct = blocks.BooleanBlock(required=False, label=_("correct"))


def _error(message):
    return blocks.StructBlockValidationError(block_errors={"choices": ValidationError(message)})


class SingleChoiceBlock(_QuestionBlock):
    """Exactly one option is right."""

    choices = blocks.ListBlock(ChoiceBlock(), min_num=2, label=_("options"))

    def clean(self, value):
        value = super().clean(value)
        if sum(1 for choice in value["choices"] if choice["correct"]) != 1:
            raise _error(_("Mark exactly one option as correct."))
        return value

    class Meta:
        label = _("Single choice")
        icon = "radio-full"


class MultipleChoiceBlock(_QuestionBlock):
    """Several options may be right; the answer must select exactly the right set."""

    choices = blocks.ListBlock(ChoiceBlock(), min_num=2, label=_("options"))

    def clean(self, value):
        value = super().clean(value)
        if not any(choice["correct"] for choice in value["choices"]):
            raise _error(_("Mark at least one option as correct."))
        return value

    class Meta:
        label = _("Multiple choice")
        icon = "tasks"


class TrueFalseBlock(_QuestionBlock):
    """A statement that is true or false."""

    answer = blocks.BooleanBlock(required=False, label=_("the statement is true"))

    class Meta:
        label = _("True / false")
        icon = "help"


class NumericBlock(_QuestionBlock):
    """A number, accepted within an absolute tolerance."""

    answer = blocks.FloatBlock(label=_("answer"))
    tolerance = blocks.FloatBlock(default=0, min_value=0, label=_("tolerance (±)"))
    unit = blocks.CharBlock(required=False, label=_("unit"))

    class Meta:
        label = _("Numeric")
        icon = "plus"


class ShortTextBlock(_QuestionBlock):
    """A short text compared (trimmed, optionally case-insensitive) to accepted answers."""

    accepted_answers = blocks.ListBlock(
        blocks.CharBlock(label=_("accepted answer")), min_num=1, label=_("accepted answers")
    )
    case_sensitive = blocks.BooleanBlock(required=False, label=_("case sensitive"))

    class Meta:
        label = _("Short text")
        icon = "edit"


class OrderingBlock(_QuestionBlock):
    """Items to put in order; enter them in the correct order, learners see them shuffled."""

    items = blocks.ListBlock(blocks.CharBlock(label=_("item")), min_num=2, label=_("items"))

    class Meta:
        label = _("Ordering")
        icon = "order"


class QuestionStreamBlock(blocks.StreamBlock):
    """The questions of a quiz."""

    single_choice = SingleChoiceBlock()
    multiple_choice = MultipleChoiceBlock()
    true_false = TrueFalseBlock()
    numeric = NumericBlock()
    short_text = ShortTextBlock()
    ordering = OrderingBlock()
