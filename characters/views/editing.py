"""Creating and editing characters: owner only (404 if hidden, 403 if someone else's)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from characters.access import belongs_to_a_studio, get_character_for_owner
from characters.forms import (
    ApprovalForm,
    CharacterForm,
    ClipForm,
    LookForm,
    NewCharacterForm,
    PrivacyForm,
    ReferenceForm,
)
from characters.models import Character, Look
from characters.previews import DecodersBusy, decode_slot, make_preview
from characters.requests import AuthenticatedHttpRequest
from characters.services import (
    ApprovalError,
    add_look,
    add_reference,
    approve_studio,
    approve_user,
    create_character,
    remove_look,
    remove_reference,
    set_reference_clip,
)
from characters.views.library import detail_context

FACE_WARNING = (
    "A reference image seems to show a human face. Providers that reject human likeness "
    "will refuse scenes with this character; use an illustrated or non-human reference."
)


def _warn_about_faces(request: AuthenticatedHttpRequest, character: Character) -> None:
    if character.has_face_in_references:
        messages.warning(request, FACE_WARNING)


def _detail_with(
    request: AuthenticatedHttpRequest, character: Character, **forms: object
) -> HttpResponse:
    context = detail_context(request, character) | forms
    return render(request, "characters/detail.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = NewCharacterForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        character = create_character(
            owner=request.user, fields=form.character_fields(), references=form.references()
        )
        _warn_about_faces(request, character)
        return redirect("characters:detail", handle=character.handle)
    context = {"form": form, "character": None}
    return render(request, "characters/form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: AuthenticatedHttpRequest, handle: str) -> HttpResponse:
    character = get_character_for_owner(request.user, handle)
    form = CharacterForm(request.POST or None, instance=character)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect("characters:detail", handle=character.handle)
    return render(request, "characters/form.html", {"form": form, "character": character})


@login_required
@require_POST
def preview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Check chosen images before the form is sent: a preview and face warning, or the error."""
    if not belongs_to_a_studio(request.user):
        return _previews(request, [{"field": "image", "errors": [NO_STUDIO]}], status=403)
    previews: list[dict[str, object]] = []
    try:
        with decode_slot(request.user.pk):
            for field, upload in request.FILES.items():
                if isinstance(upload, UploadedFile):
                    previews.append(_preview_one(field, upload))
    except DecodersBusy as exc:
        return _previews(request, [{"field": "image", "errors": [str(exc)]}], status=exc.status)
    refused = any(p.get("errors") for p in previews)
    return _previews(request, previews, status=400 if refused else 200)


NO_STUDIO = "Previews are for members of a studio; the image is checked when you save."


def _preview_one(field: str, upload: UploadedFile) -> dict[str, object]:
    try:
        made = make_preview(upload, size=upload.size or 0)
    except ValidationError as exc:
        return {"field": field, "errors": exc.messages}
    return {"field": field, "src": made.src, "face": made.face}


def _previews(
    request: AuthenticatedHttpRequest, previews: list[dict[str, object]], status: int = 200
) -> HttpResponse:
    response = render(request, "characters/form.html#previews", {"previews": previews})
    response.status_code = status
    if status in (429, 503):
        response["Retry-After"] = "5"
    return response


@login_required
@require_POST
def upload_reference(request: AuthenticatedHttpRequest, handle: str) -> HttpResponse:
    character = get_character_for_owner(request.user, handle)
    form = ReferenceForm(request.POST, request.FILES, character=character)
    if not form.is_valid():
        return _detail_with(request, character, reference_form=form)
    add_reference(
        character=character,
        angle=form.cleaned_data["angle"],
        checked=form.cleaned_data["image"],
        look=form.cleaned_data["look"],
    )
    _warn_about_faces(request, character)
    return redirect("characters:detail", handle=character.handle)


@login_required
@require_POST
def delete_reference(
    request: AuthenticatedHttpRequest, handle: str, reference_id: int
) -> HttpResponse:
    character = get_character_for_owner(request.user, handle)
    remove_reference(reference=get_object_or_404(character.references, pk=reference_id))
    return redirect("characters:detail", handle=character.handle)


@login_required
@require_POST
def create_look(request: AuthenticatedHttpRequest, handle: str) -> HttpResponse:
    character = get_character_for_owner(request.user, handle)
    form = LookForm(request.POST, instance=Look(character=character))
    if not form.is_valid():
        return _detail_with(request, character, look_form=form)
    add_look(character=character, **form.cleaned_data)
    return redirect("characters:detail", handle=character.handle)


@login_required
@require_POST
def delete_look(request: AuthenticatedHttpRequest, handle: str, look_id: int) -> HttpResponse:
    character = get_character_for_owner(request.user, handle)
    remove_look(look=get_object_or_404(character.looks, pk=look_id))
    return redirect("characters:detail", handle=character.handle)


@login_required
@require_POST
def upload_clip(request: AuthenticatedHttpRequest, handle: str) -> HttpResponse:
    character = get_character_for_owner(request.user, handle)
    form = ClipForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail_with(request, character, clip_form=form)
    data = form.cleaned_data
    set_reference_clip(character=character, clip=data["clip"], seconds=data["seconds"])
    return redirect("characters:detail", handle=character.handle)


@login_required
@require_POST
def set_privacy(request: AuthenticatedHttpRequest, handle: str) -> HttpResponse:
    character = get_character_for_owner(request.user, handle)
    form = PrivacyForm(request.POST)
    if form.is_valid():
        character.privacy = form.cleaned_data["privacy"]
        character.save(update_fields=["privacy", "updated_at"])
    return redirect("characters:detail", handle=character.handle)


@login_required
@require_POST
def add_approval(request: AuthenticatedHttpRequest, handle: str) -> HttpResponse:
    character = get_character_for_owner(request.user, handle)
    form = ApprovalForm(request.POST)
    if form.is_valid():
        name = form.cleaned_data["name"]
        try:
            if form.cleaned_data["who"] == "user":
                approve_user(character=character, username=name)
            else:
                approve_studio(character=character, studio_name=name)
            form = ApprovalForm()
        except ApprovalError as exc:
            form.add_error("name", str(exc))
    context = detail_context(request, character) | {"approval_form": form}
    return render(request, "characters/detail.html#approvals", context)


@login_required
@require_POST
def remove_approval(request: AuthenticatedHttpRequest, handle: str) -> HttpResponse:
    character = get_character_for_owner(request.user, handle)
    if (user_id := request.POST.get("user", "")).isdigit():
        character.approved_users.remove(int(user_id))
    if (studio_id := request.POST.get("studio", "")).isdigit():
        character.approved_studios.remove(int(studio_id))
    context = detail_context(request, character) | {"approval_form": ApprovalForm()}
    return render(request, "characters/detail.html#approvals", context)
