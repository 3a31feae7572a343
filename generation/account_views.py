"""Studio pages of the generation app: provider credentials, costs; the webhook endpoint."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from characters.models import Character
from characters.requests import AuthenticatedHttpRequest
from generation.accounts import (
    credential_rows,
    remove_credential,
    save_credential,
    studio_costs,
)
from generation.credentials import (
    ProviderCharacter,
    ProviderCredential,
)
from generation.forms import ProviderCredentialForm, RegisterCharacterForm
from generation.providers import ProviderError
from generation.providers.openai_videos import unwrap_webhook
from generation.registration import register_character
from generation.services import GenerationRefused, handle_video_event
from projects.access import get_project_for_user, membership_in, require
from projects.models import Membership, Role, Studio


def _studio_for_user(
    request: AuthenticatedHttpRequest, studio_id: int
) -> tuple[Studio, Membership]:
    member = membership_in(request.user, studio_id)
    if member is None:
        raise Http404
    return member.studio, member


@login_required
def providers(request: AuthenticatedHttpRequest, studio_id: int) -> HttpResponse:
    studio, member = _studio_for_user(request, studio_id)
    require(member.role == Role.OWNER, member)
    form = ProviderCredentialForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            save_credential(studio=studio, **form.cleaned_data)
        except GenerationRefused as exc:
            form.add_error("api_key", str(exc))
        else:
            messages.success(request, "Provider credential saved.")
            return redirect("generation:providers", studio_id=studio.pk)
    context = {"studio": studio, "rows": credential_rows(studio), "form": form}
    return render(request, "generation/providers.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def remove_provider(request: AuthenticatedHttpRequest, credential_id: int) -> HttpResponse:
    credential = get_object_or_404(ProviderCredential, pk=credential_id)
    _, member = _studio_for_user(request, credential.studio_id)
    require(member.role == Role.OWNER, member)
    try:
        remove_credential(credential=credential)
        messages.success(request, "Provider credential removed.")
    except GenerationRefused as exc:
        messages.error(request, str(exc))
    return redirect("generation:providers", studio_id=credential.studio_id)


@login_required
def costs(request: AuthenticatedHttpRequest, studio_id: int) -> HttpResponse:
    studio, member = _studio_for_user(request, studio_id)
    context = {"studio": studio, "member": member, **studio_costs(studio)}
    return render(request, "generation/costs.html", context)


@login_required
@require_safe
def generation_settings(request: AuthenticatedHttpRequest, project_id: int) -> HttpResponse:
    """The old generation-settings address: now a section of the project's settings page."""
    project, _ = get_project_for_user(request.user, project_id)
    return redirect("generation:project_settings", project_id=project.pk)


@login_required
def characters(request: AuthenticatedHttpRequest, studio_id: int) -> HttpResponse:
    studio, member = _studio_for_user(request, studio_id)
    form = RegisterCharacterForm(request.POST or None, user=request.user, studio=studio)
    if request.method == "POST":
        require(member.can_edit_script, member)
        if form.is_valid():
            try:
                register_character(registered_by=request.user, **form.cleaned_data)
            except GenerationRefused as exc:
                form.add_error("character", str(exc))
            else:
                messages.success(request, "Character registered with the provider.")
                return redirect("generation:characters", studio_id=studio.pk)
    registered = ProviderCharacter.objects.filter(
        credential__studio=studio, character__in=Character.objects.visible_to(request.user)
    ).select_related("character", "credential")
    without_clip = Character.objects.filter(owner=request.user, reference_clip="")
    context = {
        "studio": studio,
        "member": member,
        "form": form,
        "registered": registered,
        "without_clip": without_clip,
    }
    status = 400 if form.errors else 200
    return render(request, "generation/characters.html", context, status=status)


@csrf_exempt  # signed by the provider instead (standard webhooks)
@require_POST
def openai_webhook(request: HttpRequest, credential_id: int) -> HttpResponse:
    credential = ProviderCredential.objects.filter(pk=credential_id, provider="openai").first()
    if credential is None or not credential.has_webhooks:
        raise Http404
    try:
        _, job_id = unwrap_webhook(
            request.body, dict(request.headers), secret=credential.webhook_secret()
        )
    except ProviderError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain")
    handle_video_event(credential_id=credential.pk, job_id=job_id)
    return HttpResponse(status=204)
