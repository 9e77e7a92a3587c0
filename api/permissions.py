"""Who may read the staff endpoints: a signed-in account or an API key whose user holds one Django
permission. Each subclass's refusal names its permission, in English and Bangla."""

from rest_framework.permissions import BasePermission


class HoldsPermission(BasePermission):
    """Subclasses set ``permission`` ("app_label.codename") and a bilingual ``message``."""

    permission: str

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm(self.permission))
