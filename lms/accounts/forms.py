"""Forms of the learner's own account pages."""

import re

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

PHONE_RE = re.compile(r"^\+?[0-9 ()-]{5,20}$")


class ProfileForm(forms.ModelForm):
    """Name in the learner's own script, preferred language and an optional phone."""

    class Meta:
        model = get_user_model()
        fields = ["display_name", "preferred_language", "phone"]
        widgets = {"phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})}

    def clean_display_name(self):
        name = self.cleaned_data["display_name"].strip()
        if any(ord(ch) < 32 for ch in name):
            raise forms.ValidationError(_("The name contains characters that are not allowed."))
        return name

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not PHONE_RE.match(phone):
            raise forms.ValidationError(
                _("Enter a phone number with digits only, for example +86 138 0000 0000.")
            )
        return phone


class DeleteAccountForm(forms.Form):
    """Deleting needs the word typed, so that a slip of the finger cannot delete."""

    confirm = forms.CharField(label=_("Type DELETE to confirm"), max_length=10)

    def clean_confirm(self):
        value = self.cleaned_data["confirm"].strip()
        if value.upper() not in {"DELETE", "删除"}:
            raise forms.ValidationError(_("Type DELETE to confirm."))
        return value


class TalentProfileForm(forms.Form):
    """The worker's public profile: off by default, with the credentials they choose."""

    is_public = forms.BooleanField(label=_("Make my profile public"), required=False)
    headline = forms.CharField(label=_("Headline"), max_length=160, required=False)
    city = forms.CharField(label=_("City"), max_length=80, required=False)
    credential_ids = forms.MultipleChoiceField(
        label=_("Credentials to show"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, credential_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["credential_ids"].choices = list(credential_choices)


class TalentSearchForm(forms.Form):
    """Search public profiles by skill, level and city."""

    skill = forms.CharField(label=_("Skill"), max_length=80, required=False)
    level = forms.CharField(label=_("Level"), max_length=30, required=False)
    city = forms.CharField(label=_("City"), max_length=80, required=False)
