"""Notifications of review events: in the app and by email, to the right people only."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from generation.board.render import card_scenes
from generation.board.status import scene_status
from generation.models import ReviewStatus
from generation.review.models import Notification, NotificationKind, NotificationMute
from projects.live import publish_notification
from projects.models import Episode, Membership, Project, Role, Scene

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models import QuerySet

log = logging.getLogger(__name__)


def notify(
    *, kind: str, recipients: Iterable[User], scene: Scene, actor: User, text: str
) -> list[Notification]:
    """Tell each recipient who may see the scene, did not act and did not mute the kind."""
    people = {u.pk: u for u in recipients if u.pk != actor.pk}
    muted = set(
        NotificationMute.objects.filter(kind=kind, user__in=people).values_list("user", flat=True)
    )
    # Who may see the scene now (membership can change): the same rule as every page.
    members = set(
        Membership.objects.filter(
            studio=scene.episode.project.studio_id, user__in=people
        ).values_list("user", flat=True)
    )
    # And within a project team: a member outside it may not see the scene, nor hear of it.
    visible = {
        pk
        for pk in members - muted
        if Scene.objects.for_user(people[pk]).filter(pk=scene.pk).exists()
    }
    notices = [
        Notification(recipient=user, kind=kind, scene=scene, actor=actor, text=text)
        for pk, user in people.items()
        if pk in visible
    ]
    Notification.objects.bulk_create(notices)
    for notice in notices:  # every open page of each recipient: the bell, live
        publish_notification(user_id=notice.recipient.pk)
    emails = [n.recipient.email for n in notices if n.recipient.email]
    if emails:
        transaction.on_commit(lambda: _email(text, emails))
    return notices


def _email(text: str, emails: list[str]) -> None:
    subject = f"Comic Studio: {text[:80]}"
    body = f"{text}\n\nOpen the review room to see it."
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, emails)
    except (OSError, smtplib.SMTPException) as exc:  # the in-app notice stands; mail is extra
        log.warning("review notification mail to %d people failed: %r", len(emails), exc)


def notify_changes(*, scene: Scene, requester: User, actor: User, verdict: str) -> None:
    """The person who requested the take hears that it was rejected or needs changes."""
    text = f"Scene {scene.position} of {scene.episode.title}: {verdict} by {actor.username}."
    notify(kind=NotificationKind.CHANGES, recipients=[requester], scene=scene, actor=actor,
           text=text)  # fmt: skip


def notify_mentions(*, scene: Scene, mentioned: Iterable[User], actor: User) -> None:
    """Members named with @username in a comment hear of it."""
    text = f"{actor.username} mentioned you on scene {scene.position} of {scene.episode.title}."
    notify(kind=NotificationKind.MENTION, recipients=mentioned, scene=scene, actor=actor,
           text=text)  # fmt: skip


def notify_if_episode_approved(*, scene: Scene, actor: User) -> None:
    """When the last scene of an episode is approved, its owners and producers hear of it."""
    episode_scenes = Scene.objects.filter(episode=scene.episode_id, omitted=False)
    # One query for the usual answer: a scene without any approved take is not approved.
    if episode_scenes.exclude(takes__review_status=ReviewStatus.APPROVED).exists():
        return
    scenes = card_scenes(episode_scenes)
    if any(scene_status(s) != "approved" for s in scenes):
        return
    leads = [
        m.user
        for m in Membership.objects.filter(
            studio=scene.episode.project.studio_id, role__in=[Role.OWNER, Role.PRODUCER]
        ).select_related("user")
    ]
    text = f"Episode {scene.episode.number}, {scene.episode.title}: every scene is approved."
    notify(kind=NotificationKind.EPISODE_APPROVED, recipients=leads, scene=scene, actor=actor,
           text=text)  # fmt: skip


def reviewers_of(project: Project) -> list[User]:
    """The members who may review: the studio's reviewers and owners."""
    people = [
        m.user
        for m in Membership.objects.filter(
            studio=project.studio_id, role__in=[Role.OWNER, Role.REVIEWER]
        ).select_related("user")
    ]
    return people  # notify() leaves out whoever may not see the project (its team)


def request_review(*, episode: Episode, actor: User, waiting: list[Scene]) -> list[Notification]:
    """A writer or producer asks the project's reviewers to review the episode's waiting scenes.

    The notice points at the first scene waiting (it opens the review room there).
    """
    count = len(waiting)
    text = (
        f"{actor.username} asks for a review of episode {episode.number}, {episode.title}: "
        f"{count} scene{'s' if count != 1 else ''} waiting."
    )
    return notify(kind=NotificationKind.REVIEW_REQUESTED, recipients=reviewers_of(episode.project),
                  scene=waiting[0], actor=actor, text=text)  # fmt: skip


def visible_notifications(user: User) -> QuerySet[Notification]:
    """The user's notifications about scenes they may still see (the list and the bell both).

    A notice stays stored when its scene goes out of sight (the user left the project's team
    or the studio); it is neither listed nor counted, and comes back if access does.
    """
    return _visible(Notification.objects.filter(recipient=user), user)


def _visible(notices: QuerySet[Notification], user: User) -> QuerySet[Notification]:
    # Each notice asks about its own scene: a user's notices are few, their studios' scenes many.
    seen = Scene.objects.for_user(user).filter(pk=OuterRef("scene_id"))
    return notices.filter(Exists(seen))


def unread_count(user: User) -> int:
    """The bell's number: the unread notices of the list the user can open.

    On every page: with nothing unread (most pages) it costs one light query.
    """
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    return _visible(unread, user).count() if unread.exists() else 0


def mark_read(user: User) -> int:
    """Mark all of the user's notifications read."""
    marked = Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if marked:
        publish_notification(user_id=user.pk)  # the user's other open pages drop the count
    return marked
