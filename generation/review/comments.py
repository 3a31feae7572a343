"""Time-pinned comments: writing, replying, resolving; each change reaches open rooms live."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from generation.models import Take
from generation.review.models import ReviewComment
from generation.review.notifications import notify_mentions
from generation.services import GenerationRefused
from generation.takes.events import publish_take

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MENTION = re.compile(r"(?<![\w@])@([\w.+-]{1,150})")


def mentioned_members(*, text: str, studio_id: int) -> list[User]:
    """The studio's members named as @username in the text (others are left as text)."""
    names = {m.rstrip(".") for m in MENTION.findall(text)}
    if not names:
        return []
    users = get_user_model().objects.filter(username__in=names, memberships__studio_id=studio_id)
    return list(users)


def add_comment(
    *, take: Take, author: User, text: str, at_seconds: Decimal, parent_id: int | None = None
) -> ReviewComment:
    """Pin a comment to a time in the take (a reply takes its parent's time)."""
    parent = None
    if parent_id is not None:
        parent = ReviewComment.objects.filter(pk=parent_id, take=take, parent=None).first()
        if parent is None:
            raise GenerationRefused("That comment is gone: reload the review room.")
        at_seconds = parent.at_seconds
    if at_seconds > take.duration_seconds:
        at_seconds = Decimal(take.duration_seconds)
    with transaction.atomic():
        comment = ReviewComment.objects.create(
            take=take, author=author, parent=parent, at_seconds=at_seconds, text=text.strip()
        )
        studio_id = take.scene.episode.project.studio_id
        mentioned = mentioned_members(text=text, studio_id=studio_id)
        comment.mentions.set(mentioned)
        notify_mentions(scene=take.scene, mentioned=mentioned, actor=author)
        publish_take(take)
    return comment


def set_resolved(*, comment: ReviewComment, by: User, resolved: bool) -> ReviewComment:
    """Resolve a comment thread, or reopen it; a comment is not a decision: no status moves."""
    with transaction.atomic():
        ReviewComment.objects.filter(pk=comment.pk).update(
            resolved_at=timezone.now() if resolved else None,
            resolved_by=by if resolved else None,
        )
        comment.refresh_from_db()
        publish_take(comment.take)
    return comment
