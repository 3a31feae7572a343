"""The project settings form as a browser posts it, with some fields changed."""

from __future__ import annotations

from typing import Any

from generation.project_setup import settings_initial
from projects.models import Project


def settings_form(project: Project, **changes: Any) -> dict[str, Any]:
    """Every field of the settings page as it stands, then `changes` (None drops a field)."""
    data: dict[str, Any] = {}
    for name, value in settings_initial(project).items():
        if name == "team":
            data[name] = [user.pk for user in value]
        elif isinstance(value, bool):
            data[name] = "on" if value else ""
        else:
            data[name] = "" if value is None else value
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}
