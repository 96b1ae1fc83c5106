"""Forms of the employer pages; they only parse input, services decide."""

from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Membership, Organization


class OrganizationForm(forms.ModelForm):
    """Name, industry, size and city of a new organisation."""

    class Meta:
        model = Organization
        fields = ["name", "industry", "size", "city"]


class InvitationForm(forms.Form):
    """Invite one person by e-mail."""

    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices, initial="member")


class SponsorshipCodeForm(forms.Form):
    """Seats, courses and an optional expiry date for a new code."""

    seats = forms.IntegerField(label=_("Seats"), min_value=1, max_value=10_000, initial=10)
    courses = forms.TypedMultipleChoiceField(
        label=_("Courses"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    expires_on = forms.DateField(
        label=_("Valid until (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, course_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["courses"].choices = list(course_choices)

    def clean_expires_on(self):
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        end = timezone.make_aware(datetime.combine(day, time.max))
        if end <= timezone.now():
            raise forms.ValidationError(_("The expiry date must be in the future."))
        return end


class RedeemForm(forms.Form):
    """A sponsorship code typed by the worker, and (second step) the course chosen."""

    code = forms.CharField(label=_("Sponsorship code"), max_length=20)
    course = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ConsentForm(forms.ModelForm):
    """What the worker lets the employer see."""

    class Meta:
        model = Membership
        fields = ["share_progress", "share_credentials"]
