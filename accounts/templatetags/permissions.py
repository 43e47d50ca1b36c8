from django import template

from accounts.permissions import can as can_do

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, action, obj=None):
    """`{% can "facility.change" facility as may_edit %}`: the permission checker in templates."""
    request = context.get("request")
    return can_do(getattr(request, "user", None), action, obj)
