"""Characters: those the caller may see (`Character.objects.visible_to`), create, references,
privacy. A character the caller may not see is a 404, whether or not it exists.
"""

from __future__ import annotations

from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Field, File, Form, Path, Router, Schema, Status
from ninja.files import UploadedFile

from characters.access import get_character_for_owner, get_character_for_user
from characters.forms import HANDLE_TAKEN, CharacterForm, PrivacyForm, ReferenceForm
from characters.models import HANDLE_PATTERN, Character
from characters.services import add_reference, create_character
from generation.api.auth import caller, writer
from generation.api.fields import NO_NUL, SOME_TEXT
from generation.api.problems import Problem, form_problem

router = Router(tags=["characters"])


class CharacterOut(Schema):
    handle: str
    name: str
    kind: str
    appearance: str
    privacy: str
    mine: bool
    references: list[str]


# Every handle has this shape: another path segment names no character (422).
Handle = Annotated[str, Path(pattern=f"^{HANDLE_PATTERN}$")]
PrivacyName = Literal["only_me", "approved", "mutuals", "everyone"]
KindName = Literal["animal", "mascot", "object", "illustrated_human", "avatar_3d", "other"]


class CharacterIn(Schema):
    """Checked again by the library's own form (a handle taken or reserved: 422)."""

    name: str = Field(max_length=120, pattern=SOME_TEXT)
    handle: str = Field(pattern=f"^@?{HANDLE_PATTERN}$", description="3–30 of a-z, 0-9, _")
    kind: KindName = "other"
    appearance: str = Field(max_length=4000, pattern=SOME_TEXT)
    style_notes: str = Field("", max_length=4000, pattern=NO_NUL)
    negative_notes: str = Field("", max_length=4000, pattern=NO_NUL)
    privacy: PrivacyName = "only_me"


class PrivacyIn(Schema):
    privacy: PrivacyName


def character_out(character: Character, user: object) -> CharacterOut:
    return CharacterOut(
        handle=character.handle, name=character.name, kind=character.kind,
        appearance=character.appearance, privacy=character.privacy,
        mine=character.owner_id == getattr(user, "pk", None),
        references=[r.angle for r in character.references.all()],  # type: ignore[attr-defined]
    )  # fmt: skip


@router.get("/characters", response=list[CharacterOut])
def characters(request: HttpRequest) -> list[CharacterOut]:
    """Every character the caller may see, and no other."""
    user = caller(request).user
    visible = Character.objects.visible_to(user).prefetch_related("references").order_by("handle")
    return [character_out(c, user) for c in visible]


@router.get("/characters/{handle}", response=CharacterOut)
def character(request: HttpRequest, handle: Handle) -> CharacterOut:
    user = caller(request).user
    return character_out(get_character_for_user(user, handle), user)


@router.post("/characters", response={201: CharacterOut})
def create(request: HttpRequest, payload: CharacterIn) -> Status[CharacterOut]:
    """A new character of the caller's (the library's form checks every field)."""
    user = writer(request).user
    form = CharacterForm(payload.dict())
    if not form.is_valid():
        if form.errors.get("handle") == [HANDLE_TAKEN]:  # taken by someone: a conflict
            raise Problem(409, HANDLE_TAKEN, "handle-taken",
                          errors=[{"field": "handle", "message": HANDLE_TAKEN}])  # fmt: skip
        raise form_problem(form)
    fields = {name: form.cleaned_data[name] for name in CharacterForm.Meta.fields}
    made = create_character(owner=user, fields=fields, references={})
    return Status(201, character_out(made, user))


@router.post("/characters/{handle}/references", response={201: CharacterOut})
def upload_reference(
    request: HttpRequest,
    handle: Handle,
    angle: str = Form(""),  # noqa: B008 — ninja declares parameters so
    image: UploadedFile | None = File(None),  # noqa: B008
) -> Status[CharacterOut]:
    """A reference image (front, side or back), checked as the library's upload is."""
    user = writer(request).user
    found = get_character_for_owner(user, handle)
    # Checked here, after access (not by the schema): an outsider learns nothing from a 422.
    form = ReferenceForm({"angle": angle}, {"image": image} if image else {}, character=found)
    if not form.is_valid():
        raise form_problem(form)
    add_reference(character=found, angle=form.cleaned_data["angle"],
                  checked=form.cleaned_data["image"], look=form.cleaned_data["look"])  # fmt: skip
    return Status(201, character_out(found, user))


@router.put("/characters/{handle}/privacy", response=CharacterOut)
def set_privacy(request: HttpRequest, handle: Handle, payload: PrivacyIn) -> CharacterOut:
    user = writer(request).user
    found = get_character_for_owner(user, handle)
    form = PrivacyForm(payload.dict())
    if not form.is_valid():
        raise form_problem(form)
    found.privacy = form.cleaned_data["privacy"]
    found.save(update_fields=["privacy", "updated_at"])
    return character_out(found, user)
