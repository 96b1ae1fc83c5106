"""Forms of the verification pages."""

import csv
import io

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import conf
from .models import IssuedCredential, StatusChange

MAX_CSV_BYTES = 512 * 1024


def csv_rows(text: str, limit: int) -> list[str]:
    """The credential URLs/IDs of a CSV: the first non-empty cell of each row, header skipped."""
    rows = []
    for row in csv.reader(io.StringIO(text)):
        cell = next((c.strip() for c in row if c.strip()), "")
        if not cell or cell.lower() in ("url", "id", "credential", "credential_url"):
            continue
        rows.append(cell[:2000])
        if len(rows) > limit:
            break
    return rows


class VerifyForm(forms.Form):
    """One of: a URL or ID, pasted JSON, or an uploaded JSON file / baked PNG."""

    reference = forms.CharField(
        label=_("Credential URL or ID"),
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"placeholder": "https://…/credentials/…"}),
    )
    json_text = forms.CharField(
        label=_("Or paste the credential JSON"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
    )
    upload = forms.FileField(
        label=_("Or upload a credential file (JSON or baked badge PNG)"), required=False
    )
    email = forms.EmailField(
        label=_("Candidate's e-mail (optional)"),
        required=False,
        help_text=_("Checked against the hashed identifier in the credential; never stored."),
    )

    def clean(self):
        data = super().clean()
        given = [bool(data.get("reference")), bool(data.get("json_text")), bool(data.get("upload"))]
        if sum(given) == 0:
            raise ValidationError(
                _("Give a credential URL or ID, paste its JSON, or upload a file.")
            )
        if sum(given) > 1:
            raise ValidationError(_("Give only one credential at a time."))
        return data


class BulkVerifyForm(forms.Form):
    """A CSV file with one credential URL or ID per row."""

    csv_file = forms.FileField(label=_("CSV file of credential URLs (one per row)"))

    def clean_csv_file(self):
        upload = self.cleaned_data["csv_file"]
        if upload.size > MAX_CSV_BYTES:
            raise ValidationError(_("The CSV file is too large (at most 512 KB)."))
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_("The CSV file must be UTF-8 text.")) from None
        limit = conf.bulk_max_rows()
        rows = csv_rows(text, limit)
        if not rows:
            raise ValidationError(_("The CSV file has no credential URLs."))
        if len(rows) > limit:
            raise ValidationError(_("At most %(limit)d credentials per file.") % {"limit": limit})
        self.cleaned_data["rows"] = rows
        return upload


class StatusChangeForm(forms.Form):
    """Staff's change of a credential's status; the reason is mandatory."""

    action = forms.ChoiceField(label=_("Action"))
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args, credential, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        if credential.status != IssuedCredential.Status.REVOKED:
            choices.append((StatusChange.Action.REVOKE, _("Revoke (final)")))
        if credential.status == IssuedCredential.Status.ACTIVE:
            choices.append((StatusChange.Action.SUSPEND, _("Suspend")))
        if credential.status == IssuedCredential.Status.SUSPENDED:
            choices.append((StatusChange.Action.REINSTATE, _("Reinstate")))
        self.fields["action"].choices = choices
