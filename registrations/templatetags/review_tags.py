"""Labels of the workflow's codes in the page's language: actions, states and roles of the timeline."""

from django import template
from django.utils.translation import gettext_lazy as _

from ..models import Actor, State
from ..selectors import ASSIGN_ACTION
from ..workflow import ACTION_LABELS

register = template.Library()

LABELS = {**ACTION_LABELS, ASSIGN_ACTION: _("Assigned")}


@register.filter
def action_label(action: str) -> str:
    return LABELS.get(action, action)


@register.filter
def state_label(state: str) -> str:
    try:
        return State(state).label
    except ValueError:
        return state


@register.filter
def role_label(role: str) -> str:
    try:
        return Actor(role).label
    except ValueError:
        return role
