"""What the design page shows: per angle the prompt, the current reference, the candidates."""

from __future__ import annotations

from typing import Any

from characters.models import Character, Look
from generation.design.clips import clip_credential, clip_estimate
from generation.design.models import DesignAngle, DesignCandidate, DesignSettings, ReferenceClip
from generation.design.services import (
    COUNTS,
    REFERENCE_ANGLE,
    DesignRequest,
    compiled_prompt,
    estimate,
    front_reference,
)
from generation.money.design import design_budget
from generation.providers import PROVIDERS
from generation.providers.images import IMAGE_PROVIDERS
from projects.models import Membership

PAGE = "generation/design/page.html"
PANEL = PAGE + "#angle_panel"
CLIP_PANEL = PAGE + "#clip_panel"
SHOWN = 12  # candidates shown per angle (older ones stay stored until discarded)


def angle_context(
    member: Membership, character: Character, look: Look | None, angle: str
) -> dict[str, Any]:
    """One angle's section: its prompt, current reference and candidates side by side."""
    angle = angle if angle in DesignAngle.values else DesignAngle.FRONT
    candidates = list(
        DesignCandidate.objects.filter(
            studio_id=member.studio_id, character=character, look=look, angle=angle,
            discarded_at__isnull=True,
        ).order_by("-created_at", "pk")[:SHOWN]
    )  # fmt: skip
    settings_ = DesignSettings.objects.filter(studio_id=member.studio_id).first()
    ready = settings_ is not None and settings_.ready
    current = character.references.filter(look=look, angle=REFERENCE_ANGLE[DesignAngle(angle)])
    return {
        "studio_id": member.studio_id,
        "character": character,
        "look": look,
        "angle": angle,
        "angle_label": DesignAngle(angle).label,
        "prompt": compiled_prompt(DesignRequest(character, angle, 2, look)),
        "reference": current.order_by("-created_at").first(),
        "candidates": candidates,
        "in_progress": any(c.in_progress for c in candidates),
        "counts": COUNTS,
        "estimates": [(n, estimate(settings_, n)) for n in COUNTS] if ready and settings_ else [],
        "ready": ready,
    }


def clip_context(member: Membership, character: Character) -> dict[str, Any]:
    """The reference clip section: the latest clip, and whether one can be made here."""
    credential = clip_credential(member.studio_id)
    return {
        "studio_id": member.studio_id,
        "character": character,
        "clip": ReferenceClip.objects.filter(
            studio_id=member.studio_id, character=character, discarded_at__isnull=True
        ).first(),
        "clip_provider": PROVIDERS[credential.provider].label if credential else "",
        "clip_estimate": clip_estimate(credential) if credential else None,
        "has_front": front_reference(character, None) is not None,
    }


def page_context(member: Membership, character: Character, look: Look | None) -> dict[str, Any]:
    """The whole design page for the character (or one of its looks) in this studio."""
    settings_ = DesignSettings.objects.filter(studio_id=member.studio_id).first()
    ready = settings_ is not None and settings_.ready
    provider = IMAGE_PROVIDERS[settings_.image_provider] if ready and settings_ else None
    model = (settings_.model if settings_ else "") or (provider.default_model if provider else "")
    return {
        "studio": member.studio,
        "member": member,
        "character": character,
        "look": look,
        "looks": list(character.looks.all()),
        "ready": ready,
        # Names, not the class: templates call callables.
        "provider_label": provider.label if provider else "",
        "model": model,
        "budget": design_budget(member.studio_id),
        "angles": [angle_context(member, character, look, a) for a in DesignAngle.values],
        **({} if look else clip_context(member, character)),
    }
