"""The PLC lab and Jupyter lab StreamField blocks of lessons.

Field names extend the courses placeholder blocks (``title``, ``scenario``, ``instructions``,
``starter_code``, ``pass_score``, ``time_limit_minutes``; ``notebook``, ``image``), so pages
saved with the placeholders keep their content when the StreamField switches to these.
``scenario`` names the plant whose shipped scenario set grades the lab.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock

from labs.engine.grading import grade, scenario_documents
from labs.engine.plants import PLANTS
from labs.engine.scenarios import ScenarioError, parse_scenario

REALTIME_CHOICES = [
    ("off", _("No real-time endpoint")),
    ("modbus", _("Modbus TCP")),
    ("modbus_opcua", _("Modbus TCP and OPC UA")),
]


def _plant_choices() -> list[tuple[str, str]]:
    return [
        (name, f"{cls.title.get('en', name)} / {cls.title.get('zh', name)}")
        for name, cls in PLANTS.items()
    ]


@dataclass(frozen=True)
class PlcLabConfig:
    """Everything the sandbox and the grader need to know about one PLC lab."""

    title: str
    plant: str
    starter_code: str
    scenarios: tuple[dict[str, Any], ...]
    visible: tuple[str, ...]
    pass_score: float
    max_attempts: int
    allow_faults: bool
    realtime: str
    reference_solution: str = field(default="", repr=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible form, stored with each submission so grading is reproducible."""
        return {
            "title": self.title,
            "plant": self.plant,
            "scenarios": list(self.scenarios),
            "visible": list(self.visible),
            "pass_score": self.pass_score,
            "max_attempts": self.max_attempts,
        }


def resolve_plant(scenario: str) -> str:
    """The plant named by a block's ``scenario``: a plant name, or a scenario id starting with
    one (``motor_start_stop`` -> ``motor``, as the courses placeholder blocks wrote them)."""
    if scenario in PLANTS:
        return scenario
    prefixes = [name for name in PLANTS if scenario.startswith(name + "_")]
    return max(prefixes, key=len) if prefixes else scenario


def plc_lab_config(value: Any) -> PlcLabConfig:
    """A :class:`PlcLabConfig` from a block value (StructValue or raw dict).

    Raises ValidationError with a bilingual-ready message when the plant or scenarios are bad.
    """
    plant_id = str(value.get("scenario") or "")
    plant = resolve_plant(plant_id)
    if plant not in PLANTS:
        raise ValidationError(
            _("Unknown plant %(plant)s: choose one of the simulated plants."),
            code="plant",
            params={"plant": plant},
        )
    custom = (value.get("custom_scenarios") or "").strip()
    if custom:
        try:
            docs = json.loads(custom)
        except ValueError as exc:
            raise ValidationError(
                _("The custom scenarios are not valid JSON: %(error)s"),
                code="scenarios",
                params={"error": exc},
            ) from exc
        if isinstance(docs, dict):
            docs = docs.get("scenarios", [])
        if not isinstance(docs, list) or not docs:
            raise ValidationError(_("Give a non-empty list of scenarios."), code="scenarios")
    else:
        docs = scenario_documents(plant)
    names = []
    for doc in docs:
        try:
            names.append(parse_scenario(doc, PLANTS[plant]).name)
        except ScenarioError as exc:
            raise ValidationError(
                _("A scenario is invalid: %(error)s"),
                code="scenarios",
                params={"error": exc.message("en")},
            ) from exc
    visible_raw = value.get("visible_scenarios") or ""
    visible = tuple(v.strip() for v in visible_raw.split(",") if v.strip())
    unknown = [v for v in visible if v not in names]
    if unknown:
        raise ValidationError(
            _("Unknown visible scenario(s): %(names)s. Scenarios: %(known)s."),
            code="visible",
            params={"names": ", ".join(unknown), "known": ", ".join(names)},
        )
    return PlcLabConfig(
        title=str(value.get("title") or ""),
        plant=plant,
        starter_code=str(value.get("starter_code") or ""),
        scenarios=tuple(docs),
        visible=visible,
        pass_score=float(value.get("pass_score") if value.get("pass_score") is not None else 100),
        max_attempts=int(value.get("max_attempts") or 0),
        allow_faults=bool(value.get("allow_faults")),
        realtime=str(value.get("realtime") or ("modbus" if "modbus" in plant_id else "off")),
        reference_solution=str(value.get("reference_solution") or ""),
    )


class PlcLabBlock(blocks.StructBlock):
    """A PLC lab: a program written by the learner, run on a simulated plant and graded."""

    title = blocks.CharBlock(label=_("title"))
    scenario = blocks.ChoiceBlock(
        choices=_plant_choices,
        label=_("plant"),
        help_text=_("The simulated plant; its shipped scenario set grades the lab."),
    )
    instructions = blocks.RichTextBlock(label=_("instructions"))
    starter_code = blocks.TextBlock(required=False, label=_("starter code (Structured Text)"))
    reference_solution = blocks.TextBlock(
        label=_("reference solution"),
        help_text=_("Must compile and pass every scenario of the lab; never shown to learners."),
    )
    custom_scenarios = blocks.TextBlock(
        required=False,
        label=_("custom scenarios (JSON)"),
        help_text=_("Leave empty to use the plant's shipped scenarios."),
    )
    visible_scenarios = blocks.CharBlock(
        required=False,
        label=_("scenarios shown as 'try this'"),
        help_text=_("Comma-separated scenario names; the others stay hidden."),
    )
    pass_score = blocks.IntegerBlock(default=100, min_value=0, max_value=100, label=_("pass score"))
    max_attempts = blocks.IntegerBlock(
        default=0, min_value=0, label=_("attempts allowed"), help_text=_("0 means unlimited.")
    )
    time_limit_minutes = blocks.IntegerBlock(
        required=False, min_value=1, label=_("time limit (minutes)")
    )
    allow_faults = blocks.BooleanBlock(
        required=False, default=True, label=_("learners may inject faults")
    )
    realtime = blocks.ChoiceBlock(
        choices=REALTIME_CHOICES, default="off", label=_("real-time protocol endpoint")
    )

    class Meta:
        icon = "cogs"
        label = _("PLC lab")
        template = "labs/blocks/plc_lab.html"

    def clean(self, value):
        """Refuse a lab whose reference solution does not compile or fails its scenarios."""
        value = super().clean(value)
        try:
            config = plc_lab_config(value)
        except ValidationError as exc:
            field_name = "custom_scenarios" if exc.code in ("scenarios", "visible") else "scenario"
            if exc.code == "visible":
                field_name = "visible_scenarios"
            raise StructBlockValidationError(block_errors={field_name: exc}) from exc
        result = grade(config.reference_solution, config.plant, list(config.scenarios))
        if not result.passed:
            problems = "; ".join(result.messages("en")[:3]) or "no scenario passed"
            raise StructBlockValidationError(
                block_errors={
                    "reference_solution": ValidationError(
                        _("The reference solution must compile and pass the lab: %(problems)s"),
                        params={"problems": problems},
                    )
                }
            )
        return value

    def get_context(self, value, parent_context=None):
        """Adds ``lab_url`` (the lab workspace) when rendered inside a lesson page."""
        context = super().get_context(value, parent_context)
        page = (parent_context or {}).get("page")
        block_id = _block_id(page, value, parent_context)
        if page is not None and block_id:
            from django.urls import reverse

            context["lab_url"] = reverse("labs:plc_lab", args=[page.pk, block_id])
        return context


def _block_id(page: Any, value: Any, parent_context: Any) -> str | None:
    """The StreamField id of the block being rendered (Wagtail does not pass it down)."""
    loop_block = (parent_context or {}).get("block")
    if getattr(loop_block, "value", None) is value and getattr(loop_block, "id", None):
        return loop_block.id
    body = getattr(page, "body", None)
    for child in body or ():
        if child.value is value:
            return child.id
    return None


class NotebookCheckBlock(blocks.StructBlock):
    """One check run after the learner's notebook: Python code that raises when unmet."""

    name = blocks.CharBlock(label=_("check id"))
    code = blocks.TextBlock(label=_("Python check (assert statements)"))
    message_en = blocks.CharBlock(label=_("message when it fails (English)"))
    message_zh = blocks.CharBlock(label=_("message when it fails (Chinese)"))


def _hub_notice() -> str:
    from labs.jupyterhub.service import hub_configured

    if hub_configured():
        return str(_("Learners open the notebook on this site's JupyterHub."))
    return str(
        _(
            "No JupyterHub is configured on this site (JUPYTERHUB_API_URL): learners will be "
            "told that notebook labs are not available."
        )
    )


class JupyterLabBlock(blocks.StructBlock):
    """A Jupyter notebook lab on the configured JupyterHub, graded by running its checks."""

    title = blocks.CharBlock(label=_("title"))
    notebook = DocumentChooserBlock(required=False, label=_("starter notebook (.ipynb)"))
    instructions = blocks.RichTextBlock(label=_("instructions"))
    image = blocks.CharBlock(
        required=False,
        label=_("environment image"),
        help_text=_("Notebook environment name, e.g. python-data."),
    )
    deliverable = blocks.CharBlock(
        required=False,
        label=_("what the learner must produce"),
        help_text=_("Shown to the learner, e.g. 'the mean level per hour in a DataFrame'."),
    )
    checks = blocks.ListBlock(NotebookCheckBlock(), default=[], label=_("checks"))
    pass_score = blocks.IntegerBlock(default=100, min_value=0, max_value=100, label=_("pass score"))

    class Meta:
        icon = "code"
        label = _("Jupyter lab")
        template = "labs/blocks/jupyter_lab.html"
        help_text = lazy(_hub_notice, str)()

    def get_context(self, value, parent_context=None):
        """Adds ``lab_url`` and whether a JupyterHub is configured."""
        from django.urls import reverse

        from labs.jupyterhub.service import hub_configured

        context = super().get_context(value, parent_context)
        page = (parent_context or {}).get("page")
        block_id = _block_id(page, value, parent_context)
        context["hub_configured"] = hub_configured()
        if page is not None and block_id:
            context["lab_url"] = reverse("labs:jupyter_lab", args=[page.pk, block_id])
        return context
