"""Quizzes belong to an institution: a permission policy that limits its staff to its own.

Wagtail's snippet views check model permissions (add/change/delete_quiz, given to every
institution's editors and reviewers by `institution_setup`); this policy adds the owning
institution to every per-instance check and to the querysets the admin lists and offers in
choosers (courses/wagtail_hooks.py). Platform administrators (superusers) act on all quizzes.
"""

from django.db.models import Q
from wagtail.permission_policies import ModelPermissionPolicy


def quiz_institution_ids(user) -> list[int]:
    """Ids of the institutions whose editors or reviewers group `user` belongs to (cached on
    the user object for the request)."""
    if not getattr(user, "is_authenticated", False):
        return []
    if not hasattr(user, "_courses_institution_ids"):
        from .selectors import staff_institution_ids

        user._courses_institution_ids = staff_institution_ids(user.pk)
    return user._courses_institution_ids


class QuizPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, and for a non-superuser only quizzes of their own institutions."""

    def user_owns(self, user, instance) -> bool:
        """Whether `instance` is in `user`'s scope (superusers: every quiz)."""
        if user.is_active and user.is_superuser:
            return True
        return instance.institution_id in quiz_institution_ids(user)

    def scope(self, user, queryset):
        """`queryset` limited to the quizzes `user` may see."""
        if user.is_active and user.is_superuser:
            return queryset
        return queryset.filter(institution_id__in=quiz_institution_ids(user))

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and self.user_owns(user, instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions) and self.user_owns(user, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        return self.scope(user, super().instances_user_has_any_permission_for(user, actions))

    def users_with_any_permission_for_instance(self, actions, instance):
        users = self.users_with_any_permission(actions)
        if instance.institution_id is None:
            return users.filter(is_superuser=True)
        institution = instance.institution
        groups = [institution.editors_group_id, institution.reviewers_group_id]
        return users.filter(Q(is_superuser=True) | Q(groups__in=groups)).distinct()


def quiz_policy() -> QuizPermissionPolicy:
    """The registered policy of the Quiz model."""
    from wagtail.permissions import policy_registry

    from .models import Quiz

    return policy_registry.get_by_type(Quiz)
