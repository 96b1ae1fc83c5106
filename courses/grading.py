"""Server-side quiz presentation and grading.

What the browser receives is built by `present_quiz`: prompts and options keyed by opaque tokens
(an HMAC of the quiz, question and option index), so neither the correct options nor the correct
order can be read from the page. `grade_quiz` maps the tokens back and never trusts the client.
"""

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

_SALT = "courses.quiz.option"


def option_token(quiz_id: int, question_id: str, index: int) -> str:
    """The opaque value that stands for option `index` of a question in forms."""
    return salted_hmac(_SALT, f"{quiz_id}:{question_id}:{index}").hexdigest()[:12]


@dataclass(frozen=True)
class PublicOption:
    """An option or ordering item as shown to the learner."""

    token: str
    text: str


@dataclass(frozen=True)
class PublicQuestion:
    """A question without its answer."""

    id: str
    kind: str
    prompt: str
    points: int
    options: tuple[PublicOption, ...] = ()
    unit: str = ""

    @property
    def field_name(self) -> str:
        return f"q_{self.id}"

    @property
    def positions(self) -> range:
        return range(1, len(self.options) + 1)


@dataclass(frozen=True)
class QuestionResult:
    """The outcome of one question: points earned and the feedback to show."""

    id: str
    prompt: str
    correct: bool
    points: int
    earned: int
    feedback: str
    answered: bool


@dataclass(frozen=True)
class QuizResult:
    """A graded submission. `score` is a percentage of the quiz's points."""

    score: float
    passed: bool
    questions: tuple[QuestionResult, ...] = field(default_factory=tuple)


def present_quiz(
    quiz_id: int, questions, *, seed: str, shuffle_questions: bool, shuffle_options: bool
) -> list[PublicQuestion]:
    """The quiz's questions as the learner sees them, shuffled reproducibly from `seed`."""
    rng = random.Random(seed)
    public = []
    for block in questions:
        value = block.value
        options: list[PublicOption] = []
        if block.block_type in {"single_choice", "multiple_choice"}:
            texts = [choice["text"] for choice in value["choices"]]
        elif block.block_type == "ordering":
            texts = list(value["items"])
        else:
            texts = []
        options = [
            PublicOption(option_token(quiz_id, block.id, index), text)
            for index, text in enumerate(texts)
        ]
        # Ordering items are always shuffled: shown in authoring order they give the answer away.
        if options and (shuffle_options or block.block_type == "ordering"):
            rng.shuffle(options)
        public.append(
            PublicQuestion(
                id=block.id,
                kind=block.block_type,
                prompt=value["prompt"],
                points=value["points"],
                options=tuple(options),
                unit=value.get("unit", "") or "",
            )
        )
    if shuffle_questions:
        rng.shuffle(public)
    return public


def submitted_question_ids(answers: Mapping[str, Sequence[str]]) -> set[str]:
    """Question ids a submission mentions (field names `q_<id>` and `q_<id>__<token>`)."""
    return {key[2:].split("__", 1)[0] for key in answers if key.startswith("q_")}


def _first(values: Sequence[str]) -> str:
    return values[0].strip() if values else ""


def _grade_one(quiz_id: int, block, answers: Mapping[str, Sequence[str]]) -> tuple[bool, bool, str]:
    """(correct, answered, extra message) for one question."""
    kind, value, qid = block.block_type, block.value, block.id
    raw = list(answers.get(f"q_{qid}", []))
    if kind in {"single_choice", "multiple_choice"}:
        tokens = [option_token(quiz_id, qid, i) for i in range(len(value["choices"]))]
        right = {t for t, c in zip(tokens, value["choices"], strict=True) if c["correct"]}
        chosen = {v for v in raw if v}
        if not chosen:
            return False, False, ""
        if not chosen <= set(tokens) or (kind == "single_choice" and len(chosen) != 1):
            return False, True, _("That answer is not one of the options.")
        return chosen == right, True, ""
    if kind == "true_false":
        answer = _first(raw).lower()
        if not answer:
            return False, False, ""
        if answer not in {"true", "false"}:
            return False, True, _("Answer true or false.")
        return (answer == "true") == bool(value["answer"]), True, ""
    if kind == "numeric":
        text = _first(raw).replace(",", ".").replace("，", ".")
        if not text:
            return False, False, ""
        try:
            number = float(text)
        except ValueError:
            return False, True, _("“%(answer)s” is not a number.") % {"answer": text[:40]}
        if not math.isfinite(number):
            return False, True, _("“%(answer)s” is not a number.") % {"answer": text[:40]}
        return abs(number - value["answer"]) <= value["tolerance"] + 1e-9, True, ""
    if kind == "short_text":
        text = " ".join(_first(raw).split())
        if not text:
            return False, False, ""
        accepted = [" ".join(a.split()) for a in value["accepted_answers"]]
        if not value["case_sensitive"]:
            text, accepted = text.casefold(), [a.casefold() for a in accepted]
        return text in accepted, True, ""
    if kind == "ordering":
        tokens = [option_token(quiz_id, qid, i) for i in range(len(value["items"]))]
        positions = {}
        for token in tokens:
            position = _first(answers.get(f"q_{qid}__{token}", []))
            if position:
                positions[token] = position
        if not positions:
            return False, False, ""
        if len(positions) != len(tokens):
            return False, True, _("Give every item a position.")
        try:
            ranked = sorted(tokens, key=lambda t: int(positions[t]))
        except ValueError:
            return False, True, _("Positions must be whole numbers.")
        if len({positions[t] for t in tokens}) != len(tokens):
            return False, True, _("Each position may be used only once.")
        return ranked == tokens, True, ""
    return False, False, ""


def grade_quiz(
    quiz_id: int, questions, answers: Mapping[str, Sequence[str]], pass_mark: int
) -> QuizResult:
    """Grade `answers` (form field name -> submitted values) against the quiz's questions.

    Unanswered questions earn nothing; malformed answers earn nothing and say why.
    """
    results = []
    total = earned = 0
    for block in questions:
        value = block.value
        correct, answered, message = _grade_one(quiz_id, block, answers)
        points = int(value["points"])
        total += points
        earned += points if correct else 0
        if not answered:
            feedback = _("No answer given.")
        elif correct:
            feedback = value.get("feedback_correct") or _("Correct.")
        else:
            feedback = message or value.get("feedback_incorrect") or _("Not quite.")
        results.append(
            QuestionResult(
                id=block.id,
                prompt=value["prompt"],
                correct=correct,
                points=points,
                earned=points if correct else 0,
                feedback=feedback,
                answered=answered,
            )
        )
    score = round(100.0 * earned / total, 1) if total else 0.0
    return QuizResult(score=score, passed=score >= pass_mark, questions=tuple(results))
