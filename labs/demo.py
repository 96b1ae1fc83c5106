"""Demo content of the labs: lists the PLC and Jupyter labs found in the demo lessons.

The labs live in lesson bodies (created by ``courses.demo``); this loader adds no accounts and
changes nothing, so running it again is harmless. It prints where each lab can be opened.
"""

from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import Page

from .blocks import plc_lab_config


def load(stdout) -> dict[str, tuple[str, str]]:
    """Print the lab pages of the live lessons; returns no demo accounts."""
    for page in Page.objects.live().specific().iterator():
        raw = getattr(getattr(page, "body", None), "raw_data", None)
        for item in raw or ():
            if item.get("type") == "plc_lab":
                try:
                    plant = plc_lab_config(item.get("value") or {}).plant
                except ValidationError as exc:
                    plant = f"misconfigured ({exc.messages[0]})"
                url = reverse("labs:plc_lab", args=[page.pk, item["id"]])
                stdout.write(f"PLC lab on {plant}: {url}\n")
            elif item.get("type") == "jupyter_lab":
                url = reverse("labs:jupyter_lab", args=[page.pk, item["id"]])
                stdout.write(f"Jupyter lab: {url}\n")
    return {}
