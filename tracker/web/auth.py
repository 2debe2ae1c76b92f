"""Django's ModelBackend with a user's permissions read in one query."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Model, Q


class OneQueryModelBackend(ModelBackend):
    """Every page asks `has_perm` (the navigation, the role in the header, the actions it
    offers), and ModelBackend reads the user's own permissions and their groups' in two
    queries. This reads both in one, into the per-request cache ModelBackend keeps on the user
    object, so the rest of ModelBackend (and every `has_perm`) works as before."""

    def get_all_permissions(self, user_obj: Any, obj: Model | None = None) -> set[str]:
        if (
            user_obj.is_active
            and not user_obj.is_anonymous
            and obj is None
            and not hasattr(user_obj, "_perm_cache")
        ):
            rows = Permission.objects.all()
            if not user_obj.is_superuser:
                rows = rows.filter(Q(user=user_obj) | Q(group__user=user_obj))
            user_obj._perm_cache = {
                f"{app}.{codename}"
                for app, codename in rows.values_list("content_type__app_label", "codename")
                .order_by()
                .distinct()
            }
        return super().get_all_permissions(user_obj, obj)
