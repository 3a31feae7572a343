"""Members of a studio and invitations: list, invite, change roles, remove, leave, accept."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from characters.requests import AuthenticatedHttpRequest, signed_in
from projects.access import get_studio_for_user, require
from projects.invitations import (
    InvitationRefused,
    accept_invitation,
    create_invitation,
    find_invitation,
    refusal_for,
    revoke_invitation,
)
from projects.membership import MembershipRefused, change_role, remove_member
from projects.models import Membership, Studio
from projects.studio_views import CURRENT_STUDIO_KEY
from projects.team_forms import InviteForm, RoleForm
from projects.team_models import Invitation, InvitationState


def _members_page(
    request: AuthenticatedHttpRequest,
    studio: Studio,
    member: Membership,
    form: InviteForm,
    **extra: object,
) -> HttpResponse:
    members = studio.memberships.select_related("user").order_by("user__username")
    invitations = (
        [i for i in studio.invitations.select_related("invited_user") if i.state == "pending"]
        if member.can_manage_studio
        else []
    )
    context = {
        "studio": studio,
        "member": member,
        "members": members,
        "invitations": invitations,
        "form": form,
        "roles": RoleForm.base_fields["role"].choices,  # type: ignore[attr-defined]
        **extra,
    }
    return render(request, "projects/members.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def members(request: AuthenticatedHttpRequest, studio_id: int) -> HttpResponse:
    studio, member = get_studio_for_user(request.user, studio_id)
    if request.method == "GET":
        return _members_page(request, studio, member, InviteForm())
    require(member.can_manage_studio, member)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _members_page(request, studio, member, form)
    try:
        invitation, link, emailed = create_invitation(
            studio=studio,
            actor=request.user,
            link_for=lambda token: request.build_absolute_uri(
                reverse("projects:invitation", args=[token])
            ),
            **form.cleaned_data,
        )
    except InvitationRefused as refusal:
        form.add_error("who", str(refusal))
        return _members_page(request, studio, member, form)
    # The link is shown on this response only; the database keeps its hash.
    return _members_page(
        request, studio, member, InviteForm(), invitation=invitation, link=link, emailed=emailed
    )


def _studio_membership(
    request: AuthenticatedHttpRequest, studio_id: int, membership_id: int
) -> tuple[Membership, Membership]:
    """(the asker's membership, the membership acted on), for owners only."""
    studio, member = get_studio_for_user(request.user, studio_id)
    target = get_object_or_404(studio.memberships.select_related("user"), pk=membership_id)
    return member, target


@login_required
@require_POST
def set_role(request: AuthenticatedHttpRequest, studio_id: int, membership_id: int) -> HttpResponse:
    member, target = _studio_membership(request, studio_id, membership_id)
    require(member.can_manage_studio, member)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the studio's roles.")
        return redirect("projects:members", studio_id)
    try:
        change_role(membership=target, role=form.cleaned_data["role"], actor=request.user)
    except MembershipRefused as refusal:
        messages.error(request, str(refusal))
    else:
        target.refresh_from_db()
        messages.success(request, f"{target.user.username} is now {target.get_role_display()}.")
    return redirect("projects:members", studio_id)


@login_required
@require_POST
def remove(request: AuthenticatedHttpRequest, studio_id: int, membership_id: int) -> HttpResponse:
    member, target = _studio_membership(request, studio_id, membership_id)
    require(member.can_manage_studio or target.pk == member.pk)
    leaving = target.pk == member.pk
    try:
        remove_member(membership=target, actor=request.user)
    except MembershipRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("projects:members", studio_id)
    if leaving:
        request.session.pop(CURRENT_STUDIO_KEY, None)
        messages.success(request, f"You left {target.studio.name}.")
        return redirect("generation:home")
    messages.success(request, f"{target.user.username} was removed from {target.studio.name}.")
    return redirect("projects:members", studio_id)


@login_required
@require_POST
def revoke(request: AuthenticatedHttpRequest, studio_id: int, invitation_id: int) -> HttpResponse:
    studio, member = get_studio_for_user(request.user, studio_id)
    require(member.can_manage_studio, member)
    invitation = get_object_or_404(Invitation, studio=studio, pk=invitation_id)
    try:
        revoke_invitation(invitation=invitation, actor=request.user)
    except InvitationRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"The invitation of {invitation.invitee} was withdrawn.")
    return redirect("projects:members", studio_id)


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Open an invitation: anyone with the link sees what it is; a signed-in user accepts."""
    try:
        found = find_invitation(token)
    except InvitationRefused as invalid:
        return render(request, "projects/invitation.html", {"refusal": str(invalid)}, status=404)
    user = signed_in(request.user)
    refusal = refusal_for(found, user)
    if request.method == "POST" and user is not None and not refusal:
        try:
            membership = accept_invitation(token=token, user=user)
        except InvitationRefused as late:  # used or revoked in between
            refusal = str(late)
        else:
            request.session[CURRENT_STUDIO_KEY] = membership.studio_id
            messages.success(
                request,
                f"Welcome to {membership.studio.name}. "
                f"You joined as {membership.get_role_display()}.",
            )
            return redirect("generation:home")
    context = {
        "invitation": found,
        "token": token,
        "refusal": refusal,
        "pending": found.state == InvitationState.PENDING,
    }
    status = 409 if refusal and request.method == "POST" else 200
    return render(request, "projects/invitation.html", context, status=status)
