"""Signal receivers of the courses app."""

from .models import Institution


def catalogue_page_saved(sender, instance, created=False, **kwargs):
    """A new translation of an institution's catalogue page gets the institution's permissions."""
    from .services import institution_setup

    if not created:
        return
    for institution in Institution.objects.filter(
        root_page__translation_key=instance.translation_key
    ):
        institution_setup(institution)
