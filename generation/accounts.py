"""Studio-level generation workflows: provider credentials, project settings, costs."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count, Q, Sum

from generation.credentials import ProjectGenerationSettings, ProviderCredential, find_credential
from generation.models import ACTIVE_STATUSES, ReviewStatus, Take
from generation.providers.endpoints import EndpointRefused, check_base_url
from generation.services import GenerationRefused
from generation.takes import slots
from projects.activity import changed_fields, record_activity
from projects.models import Project, Studio
from projects.team_models import ActivityVerb

if TYPE_CHECKING:
    from django.contrib.auth.models import User

KEY_FOR_NEW_URL = "Enter the API key again to change the base URL: the key is sent to that address."


def save_credential(*, studio: Studio, provider: str, api_key: str, webhook_secret: str,
                    **fields: Any) -> ProviderCredential:  # fmt: skip
    """Create or update the studio's credential; blank secrets keep the stored ones."""
    with transaction.atomic():
        credential = ProviderCredential.objects.select_for_update().filter(
            studio=studio, provider=provider
        ).first() or ProviderCredential(studio=studio, provider=provider)
        if not api_key and not credential.api_key_sealed:
            raise GenerationRefused("Enter the API key: a new credential needs one.")
        base_url = fields.get("base_url", credential.base_url)
        if not api_key and base_url != credential.base_url:
            raise GenerationRefused(KEY_FOR_NEW_URL)
        try:
            check_base_url(base_url)
        except EndpointRefused as exc:
            raise GenerationRefused(str(exc)) from None
        if api_key:
            credential.set_api_key(api_key)
        if webhook_secret:
            credential.set_webhook_secret(webhook_secret)
        for name, value in fields.items():
            setattr(credential, name, value)
        credential.save()
    return credential


def remove_credential(*, credential: ProviderCredential) -> None:
    """Delete a credential that no take in progress still uses."""
    if credential.takes.filter(generation_status__in=ACTIVE_STATUSES).exists():  # type: ignore[attr-defined]
        raise GenerationRefused(
            "Takes are still generating with this credential: wait or cancel them."
        )
    credential.delete()


def credential_rows(studio: Studio) -> list[dict[str, Any]]:
    """What the providers page shows per credential: never the key, only its hint."""
    rows = []
    for credential in ProviderCredential.objects.filter(studio=studio):
        rows.append({
            "credential": credential,
            "in_flight": slots.in_use(credential.pk),
            "pace": slots.pace(credential.pk, limit=credential.concurrency_limit),
            "retries": slots.retry_counts(credential.pk),
        })  # fmt: skip
    return rows


def save_generation_settings(*, project: Project, provider: str, fallback_provider: str,
                             auto_fallback: bool, budget: Decimal | None = None,
                             actor: User | None = None,
                             ) -> ProjectGenerationSettings:  # fmt: skip
    """Choose the project's provider and fallback (or none), and whether it is automatic.

    The fallback may be the project's own provider: scenes moved to another (paid)
    provider then fall back to it (the animatic, typically).
    """
    for name in filter(None, (provider, fallback_provider)):
        _, missing = find_credential(studio_id=project.studio_id, provider=name)
        if missing:
            raise GenerationRefused(missing)
    with transaction.atomic():
        old = ProjectGenerationSettings.objects.filter(project=project).first()
        before = {
            "provider": project.provider,
            "fallback_provider": old.fallback_provider if old else "",
            "auto_fallback": old.auto_fallback if old else False,
            "budget": old.budget if old else None,
        }
        Project.objects.filter(pk=project.pk).update(provider=provider)
        project.provider = provider
        after = {"provider": provider, "fallback_provider": fallback_provider,
                 "auto_fallback": auto_fallback, "budget": budget}  # fmt: skip
        if actor is not None and (detail := changed_fields(before, after)):
            record_activity(
                studio=project.studio, actor=actor, verb=ActivityVerb.PROJECT_SETTINGS,
                subject=project.name, detail=detail,
            )  # fmt: skip
        settings_, _ = ProjectGenerationSettings.objects.update_or_create(
            project=project,
            defaults={
                "fallback_provider": fallback_provider,
                "auto_fallback": auto_fallback,
                "budget": budget,
            },  # fmt: skip
        )
    return settings_


def _totals(takes: Any, *group: str) -> list[dict[str, Any]]:
    rejected = Q(review_status=ReviewStatus.REJECTED)
    return list(
        takes.values(*group)
        .annotate(
            takes=Count("pk"),
            spent=Sum("cost", default=Decimal("0")),
            rejected_spent=Sum("cost", filter=rejected, default=Decimal("0")),
        )
        .order_by(*group)
    )


def studio_costs(studio: Studio) -> dict[str, Any]:
    """What was spent, by episode, by project and in all, including rejected takes."""
    takes = Take.objects.filter(scene__episode__project__studio=studio)
    by_episode = _totals(
        takes, "scene__episode__project__name", "scene__episode__number", "scene__episode__title"
    )
    by_project = _totals(takes, "scene__episode__project__name")
    total = takes.aggregate(spent=Sum("cost", default=Decimal("0")), takes=Count("pk"))
    return {"by_episode": by_episode, "by_project": by_project, "total": total}
