"""Admin of characters, their references, looks, follows and provider registrations."""

from __future__ import annotations

from django.contrib import admin

from characters.models import Character, Follow, Look, ReferenceImage


class ReferenceImageInline(admin.TabularInline):
    model = ReferenceImage
    extra = 0
    fields = ["angle", "look", "image", "width", "height", "has_face"]
    readonly_fields = ["width", "height", "has_face"]


@admin.register(Character)
class CharacterAdmin(admin.ModelAdmin):
    list_display = ["name", "handle", "owner", "kind", "privacy", "updated_at"]
    list_filter = ["privacy", "kind"]
    search_fields = ["name", "handle", "owner__username"]
    autocomplete_fields = ["owner"]
    filter_horizontal = ["approved_users", "approved_studios"]
    inlines = [ReferenceImageInline]


@admin.register(Look)
class LookAdmin(admin.ModelAdmin):
    list_display = ["name", "character", "created_at"]
    search_fields = ["name", "character__handle"]


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["follower", "followed", "created_at"]
    search_fields = ["follower__username", "followed__username"]
