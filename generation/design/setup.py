"""Saving a studio's design settings and a project's continuity settings."""

from __future__ import annotations

from decimal import Decimal

from generation.continuity.models import ContinuitySettings
from generation.design.models import DesignSettings
from generation.design.services import DesignRefused
from generation.providers.endpoints import EndpointRefused, check_base_url
from projects.models import Project


def save_design_settings(
    *,
    studio_id: int,
    image_provider: str,
    api_key: str,
    base_url: str,
    model: str,
    budget: Decimal | None,
    judge_enabled: bool,
    judge_model: str,
) -> DesignSettings:
    """Set the studio's image provider, budget and judge; a blank key keeps the stored one."""
    found = DesignSettings.objects.filter(studio_id=studio_id).first() or DesignSettings(
        studio_id=studio_id
    )
    if image_provider and not (api_key or found.api_key_sealed):
        raise DesignRefused("Enter the image provider's API key.")
    if found.api_key_sealed and not api_key and base_url != found.base_url:
        raise DesignRefused(
            "Enter the API key again to change the base URL: the key is sent to that address."
        )
    try:
        check_base_url(base_url)
    except EndpointRefused as exc:
        raise DesignRefused(str(exc)) from None
    if api_key:
        found.set_api_key(api_key)
    found.image_provider, found.base_url, found.model = image_provider, base_url, model
    found.budget, found.judge_enabled, found.judge_model = budget, judge_enabled, judge_model
    found.save()
    return found


def save_continuity_settings(
    *, project: Project, threshold: int, auto_retake: bool
) -> ContinuitySettings:
    """Set a project's continuity threshold and whether it retakes flagged takes once."""
    found, _ = ContinuitySettings.objects.update_or_create(
        project=project, defaults={"threshold": threshold, "auto_retake": auto_retake}
    )
    return found
