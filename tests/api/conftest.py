import pytest
from django.contrib.auth.models import Permission


@pytest.fixture
def officer(client, django_user_model):
    """A signed-in user who may see owners' names, phones and NIDs (view_personal)."""
    user = django_user_model.objects.create_user("officer")
    user.user_permissions.add(Permission.objects.get(codename="view_personal"))
    client.force_login(user)
    return user
