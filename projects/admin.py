"""Admin of studios, members, invitations, the activity log, projects, episodes and scenes."""

from __future__ import annotations

from django.contrib import admin

from projects.models import Episode, Membership, Project, Scene, ScriptVersion, Studio
from projects.team_models import Activity, Invitation


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Studio)
class StudioAdmin(admin.ModelAdmin):
    list_display = ["name", "default_aspect_ratio", "default_provider", "created_at"]
    list_filter = ["default_aspect_ratio", "default_provider"]
    search_fields = ["name", "description"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "studio", "role"]
    list_filter = ["role", "studio"]
    search_fields = ["user__username", "user__email", "studio__name"]
    autocomplete_fields = ["user", "studio"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations are made and accepted in the product; here they are only looked at."""

    list_display = ["invitee", "studio", "role", "created_by", "created_at", "expires_at", "state"]
    list_filter = ["role", "studio", "created_at"]
    search_fields = ["email", "invited_user__username", "studio__name"]
    exclude = ["token_hash"]
    readonly_fields = [f.name for f in Invitation._meta.fields if f.name != "token_hash"]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    """The append-only log: readable, never changed."""

    list_display = ["created_at", "studio", "actor", "verb", "subject", "detail"]
    list_filter = ["verb", "studio"]
    search_fields = ["subject", "detail", "actor__username"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "studio", "aspect_ratio", "provider", "created_at"]
    list_filter = ["aspect_ratio", "provider", "studio"]
    search_fields = ["name", "studio__name"]


@admin.register(Episode)
class EpisodeAdmin(admin.ModelAdmin):
    list_display = ["title", "number", "project", "script_updated_at"]
    list_filter = ["project__studio"]
    search_fields = ["title", "project__name"]
    list_select_related = ["project"]


@admin.register(Scene)
class SceneAdmin(admin.ModelAdmin):
    list_display = ["heading", "position", "episode", "duration_seconds", "archived_at"]
    list_filter = ["episode__project__studio", "archived_at"]
    search_fields = ["heading", "action", "episode__title"]
    list_select_related = ["episode"]
    raw_id_fields = ["episode"]


@admin.register(ScriptVersion)
class ScriptVersionAdmin(admin.ModelAdmin):
    list_display = ["episode", "number", "note", "created_by", "created_at"]
    search_fields = ["episode__title", "note"]
    raw_id_fields = ["episode"]
