"""Studios, their members and roles, projects, episodes and scenes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q

from characters.requests import signed_in
from characters.viewer_queries import per_viewer

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from characters.requests import Viewer


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    PRODUCER = "producer", "Producer"
    WRITER = "writer", "Writer"
    REVIEWER = "reviewer", "Reviewer"
    VIEWER = "viewer", "Viewer"


class AspectRatio(models.TextChoices):
    PORTRAIT = "9:16", "9:16 (vertical)"
    LANDSCAPE = "16:9", "16:9"
    SQUARE = "1:1", "1:1"


class Studio(models.Model):
    # Unique among one user's studios, not globally (projects/membership.py): two teams
    # may both call themselves "Night Owls".
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    default_aspect_ratio = models.CharField(
        max_length=8,
        choices=AspectRatio.choices,
        default=AspectRatio.PORTRAIT,
        help_text="New projects start with this aspect ratio.",
    )
    default_provider = models.CharField(
        max_length=40, default="animatic", help_text="New projects start with this provider."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role in a studio; what the role may do is decided by the properties below."""

    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices)

    # Set by projects.access when the membership is read for an archived project:
    # then no role may change anything in it, and this says why.
    read_only_reason = ""

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["studio", "user"], name="one_membership_per_studio")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.role} at {self.studio}"

    @property
    def can_edit_script(self) -> bool:
        return not self.read_only_reason and self.role in {Role.OWNER, Role.PRODUCER, Role.WRITER}

    @property
    def can_generate(self) -> bool:
        """Start generation of single scenes."""
        return not self.read_only_reason and self.role in {Role.OWNER, Role.PRODUCER, Role.WRITER}

    @property
    def can_spend(self) -> bool:
        """Start batches that cost money (free batches need only can_generate: docs/roles.md)."""
        return not self.read_only_reason and self.role in {Role.OWNER, Role.PRODUCER}

    @property
    def can_review(self) -> bool:
        return not self.read_only_reason and self.role in {Role.OWNER, Role.REVIEWER}

    @property
    def can_manage_projects(self) -> bool:
        """Create projects, change their settings and team, archive and restore them."""
        return self.role in {Role.OWNER, Role.PRODUCER}

    @property
    def can_manage_episodes(self) -> bool:
        """Create, rename, reorder and archive episodes."""
        return not self.read_only_reason and self.role in {Role.OWNER, Role.PRODUCER, Role.WRITER}

    def refusal(self) -> str:
        """Why this member was refused an action: the archive, else the role."""
        role = self.get_role_display()  # type: ignore[attr-defined]
        return self.read_only_reason or f"Your role ({role}) does not allow this."

    @property
    def can_manage_studio(self) -> bool:
        """Members, invitations, settings, providers, prices and the activity log."""
        return self.role == Role.OWNER

    @property
    def can_comment(self) -> bool:
        """Time-pinned review comments: everyone but viewers (comments are not decisions).

        Not on an archived project: like every other change, comments wait for a restore.
        """
        return not self.read_only_reason and self.role != Role.VIEWER


def _visible_to(project_path: str, user: User | OuterRef) -> Q:
    """The one rule: a member of the project's studio, and of its team when it has one.

    A project with a team is seen by its team and the studio's owners (who run the
    studio and choose teams); every other member of the studio gets 404 for it.
    `user` may also be a reference to the user column of an outer query (`members_seeing`).
    """
    prefix = f"{project_path}__" if project_path else ""
    studio = OuterRef(f"{prefix}studio")
    project = OuterRef(project_path or "pk")
    member = Exists(Membership.objects.filter(studio=studio, user=user))
    owner = Exists(Membership.objects.filter(studio=studio, user=user, role=Role.OWNER))
    team = Project.team.through.objects.filter(project=project)
    in_team = Exists(team.filter(user=user))
    return member & (~Exists(team) | in_team | owner)


def members_seeing(project_id: int, user_ids: Iterable[int]) -> models.QuerySet[Membership]:
    """The memberships of those of these users who may see the project: one query.

    The rule above, asked for each membership's user at once (the live sockets of a process
    ask it once per event for all their users instead of once per socket).
    """
    # The rule's subqueries sit one level below this Project query, two below Membership.
    project = Project.objects.filter(pk=project_id, studio=OuterRef("studio"))
    seeing = project.filter(_visible_to("", OuterRef(OuterRef("user"))))
    return Membership.objects.filter(user_id__in=list(user_ids)).filter(Exists(seeing))


class ProjectQuerySet(models.QuerySet["Project"]):
    @per_viewer
    def for_user(self, user: Viewer) -> ProjectQuerySet:
        """Projects this user may see: their studios', within the project's team if it has one."""
        member = signed_in(user)
        if member is None:
            return self.none()
        return self.filter(_visible_to("", member))

    def active(self) -> ProjectQuerySet:
        """Projects that are not archived."""
        return self.filter(archived_at__isnull=True)


class Project(models.Model):
    AspectRatio = AspectRatio

    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="projects")
    name = models.CharField(max_length=120)
    logline = models.CharField(max_length=300, blank=True)
    aspect_ratio = models.CharField(
        max_length=8, choices=AspectRatio.choices, default=AspectRatio.PORTRAIT
    )
    style_lock = models.TextField(blank=True, help_text="Prefixed to every prompt of the project.")
    provider = models.CharField(max_length=40, default="animatic")
    # Takes per scene, rejected ones included; empty: no cap.
    retake_cap = models.PositiveSmallIntegerField(null=True, blank=True)
    # Empty: the whole studio sees the project; otherwise these members (and the owners).
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    # Archived projects are read-only and hidden from the home page unless asked for.
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["studio", "name"], name="project_name_per_studio")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def frame_size(self) -> tuple[int, int]:
        """Width and height of generated video for this project's aspect ratio."""
        return {"9:16": (720, 1280), "16:9": (1280, 720), "1:1": (960, 960)}[self.aspect_ratio]


class EpisodeQuerySet(models.QuerySet["Episode"]):
    @per_viewer
    def for_user(self, user: Viewer) -> EpisodeQuerySet:
        """Episodes of projects this user may see."""
        member = signed_in(user)
        if member is None:
            return self.none()
        return self.filter(_visible_to("project", member))

    def active(self) -> EpisodeQuerySet:
        """Episodes that are not archived."""
        return self.filter(archived_at__isnull=True)


class Episode(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="episodes")
    number = models.PositiveIntegerField(default=1)
    title = models.CharField(max_length=200)
    script = models.TextField(blank=True)
    script_updated_at = models.DateTimeField(null=True, blank=True)
    # The problems the last applied breakdown found ({"line", "message", "fix"}): shown on
    # the storyboard until a breakdown without them is applied.
    script_problems = models.JSONField(default=list, blank=True)
    # Archived episodes leave the project page's list; nothing in them is deleted.
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EpisodeQuerySet.as_manager()

    class Meta:
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="episode_number_per_project")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class SceneQuerySet(models.QuerySet["Scene"]):
    @per_viewer
    def for_user(self, user: Viewer) -> SceneQuerySet:
        """Scenes of episodes this user may see."""
        member = signed_in(user)
        if member is None:
            return self.none()
        return self.filter(_visible_to("episode__project", member))

    def on_board(self) -> SceneQuerySet:
        """Scenes shown on the storyboard (not archived), with their project and cast."""
        return (
            self.filter(archived_at__isnull=True)
            .select_related("episode__project")
            .prefetch_related("cast")
        )


class Scene(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="scenes")
    position = models.PositiveIntegerField()
    heading = models.CharField(max_length=200)
    action = models.TextField(blank=True)
    # [{"speaker": "MIA", "line": "Hello."}, ...]
    dialogue = models.JSONField(default=list, blank=True)
    camera = models.CharField(max_length=200, blank=True)
    duration_seconds = models.PositiveSmallIntegerField(default=4)
    # The name of one of the cast's looks (their outfit in this scene), as the script says it.
    look = models.CharField(max_length=80, blank=True)
    transition = models.CharField(max_length=60, blank=True)
    cast = models.ManyToManyField("characters.Character", blank=True, related_name="scenes")
    # True when the cast was chosen by hand (`cast:` in the shot line), not read from the text.
    cast_is_explicit = models.BooleanField(default=False)
    source_line = models.PositiveIntegerField(default=0)
    # A provider for this scene only; empty: the project's (see `effective_provider`).
    provider = models.CharField(max_length=40, blank=True, default="")
    # Omitted scenes stay on the storyboard, are not generated and not exported.
    omitted = models.BooleanField(default=False)
    # When the scene's text or shot changed after it had takes: those takes are out of date.
    changed_at = models.DateTimeField(null=True, blank=True)
    # Set when a script edit removed a scene that has takes: kept, never destroyed.
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = SceneQuerySet.as_manager()

    class Meta:
        ordering = ["episode", "position"]

    def __str__(self) -> str:
        return f"{self.position}. {self.heading}"

    @property
    def effective_provider(self) -> str:
        """The provider this scene's takes go to: its own, else the project's."""
        return self.provider or self.episode.project.provider

    @property
    def provider_differs(self) -> bool:
        """The scene overrides the project's provider with another one (shown on its card)."""
        return bool(self.provider) and self.provider != self.episode.project.provider

    @property
    def dom_id(self) -> str:
        return f"scene-{self.pk}"

    @property
    def cast_handles(self) -> list[str]:
        return [c.handle for c in self.cast.all()]


class ScriptVersion(models.Model):
    """An episode's script as it was applied: kept so the writer can look back and restore."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="script_versions")
    number = models.PositiveIntegerField()
    text = models.TextField(blank=True)
    note = models.CharField(max_length=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["episode", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "number"], name="script_version_number")
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of {self.episode}"


# Invitations and the studio's activity log live in their own module; imported here so
# Django finds them.
from projects.team_models import Activity as Activity  # noqa: E402
from projects.team_models import Invitation as Invitation  # noqa: E402
