"""The character library as people use it: search, filters, editing, sharing, following."""

from __future__ import annotations

import pytest
from django.urls import reverse

from characters.models import Character, Follow, Look, ReferenceImage
from projects.models import Membership, Role, Studio
from tests.character_media import image_bytes, upload
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _character(owner, handle: str, **fields) -> Character:  # type: ignore[no-untyped-def]
    defaults = {"name": handle.title(), "appearance": f"{handle} bible.", "kind": "mascot"}
    return Character.objects.create(owner=owner, handle=handle, **(defaults | fields))


@pytest.fixture
def ann(client):  # type: ignore[no-untyped-def]
    user = make_user("ann")
    client.force_login(user)
    return user


@pytest.fixture
def bob():  # type: ignore[no-untyped-def]
    return make_user("bob")


def _handles_on(client, url: str) -> set[str]:  # type: ignore[no-untyped-def]
    page = client.get(url).content.decode()
    return {c.handle for c in Character.objects.all() if f'data-handle="{c.handle}"' in page}


def test_library_filters_mine_shared_studio_and_everyone(client, ann, bob):
    studio = Studio.objects.create(name="Night Owls")
    Membership.objects.create(studio=studio, user=ann, role=Role.WRITER)
    _character(ann, "ann_own")
    _character(bob, "bob_for_ann", privacy="approved").approved_users.add(ann)
    _character(bob, "bob_for_owls", privacy="approved").approved_studios.add(studio)
    _character(bob, "bob_public", privacy="everyone")
    _character(bob, "bob_secret", privacy="only_me")
    library = reverse("characters:library")

    assert _handles_on(client, library) == {"ann_own", "bob_for_ann", "bob_for_owls", "bob_public"}
    assert _handles_on(client, library + "?show=mine") == {"ann_own"}
    assert _handles_on(client, library + "?show=shared") == {"bob_for_ann"}
    assert _handles_on(client, library + "?show=studio") == {"bob_for_owls"}
    assert _handles_on(client, library + "?show=everyone") == {"bob_public"}
    assert "4 characters" in client.get(library).content.decode()  # the hidden one is not counted


def test_search_matches_name_handle_and_kind(client, ann):
    _character(ann, "kiko", name="Kiko the Robot", kind="object")
    _character(ann, "hana_chef", name="Hana", kind="illustrated_human")
    library = reverse("characters:library")

    assert _handles_on(client, library + "?q=robot") == {"kiko"}
    assert _handles_on(client, library + "?q=@hana") == {"hana_chef"}
    assert _handles_on(client, library + "?q=anime") == {"hana_chef"}  # the kind's label


def test_htmx_search_returns_only_the_results_partial(client, ann):
    _character(ann, "kiko")
    response = client.get(reverse("characters:library") + "?q=ki", headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="library-results">') and "<html" not in page


def test_autocomplete_suggests_visible_handles_by_prefix_only(client, ann, bob):
    _character(ann, "mia_cat")
    _character(bob, "mia_public", privacy="everyone")
    _character(bob, "mia_secret")
    _character(bob, "other_mia", privacy="everyone")

    page = client.get(reverse("characters:autocomplete") + "?q=@mi").content.decode()

    assert 'data-handle="mia_cat"' in page and 'data-handle="mia_public"' in page
    assert "mia_secret" not in page and "other_mia" not in page


def test_only_the_owner_edits_others_who_see_it_get_403_and_strangers_404(client, ann, bob):
    mine = _character(bob, "bobs", privacy="approved")
    mine.approved_users.add(ann)
    hidden = _character(bob, "hidden")
    urls = [
        ("get", reverse("characters:edit", args=["{}"])),
        ("post", reverse("characters:set_privacy", args=["{}"])),
        ("post", reverse("characters:add_approval", args=["{}"])),
        ("post", reverse("characters:create_look", args=["{}"])),
        ("post", reverse("characters:upload_reference", args=["{}"])),
        ("post", reverse("characters:upload_clip", args=["{}"])),
        ("post", reverse("characters:delete_look", args=["{}", 1])),
        ("post", reverse("characters:delete_reference", args=["{}", 1])),
        ("post", reverse("characters:remove_approval", args=["{}"])),
    ]
    for method, url in urls:
        seen = getattr(client, method)(url.replace("%7B%7D", mine.handle))
        unseen = getattr(client, method)(url.replace("%7B%7D", hidden.handle))
        assert (seen.status_code, unseen.status_code) == (403, 404), url
    mine.refresh_from_db()
    assert mine.privacy == "approved"


def test_a_taken_handle_is_refused_without_saying_whose(client, ann, bob):
    _character(bob, "secret_handle")

    response = client.post(
        reverse("characters:create"),
        {"name": "X", "handle": "Secret_Handle", "kind": "other", "privacy": "only_me",
         "appearance": "x"},
    )  # fmt: skip

    page = response.content.decode()
    assert "This handle is not available" in page
    assert "bob" not in page and "Secret_handle" not in page
    assert Character.objects.count() == 1


def test_handles_the_library_uses_in_its_urls_are_not_available(client, ann):
    data = {"name": "N", "kind": "other", "privacy": "only_me", "appearance": "x"}
    for handle in ("new", "autocomplete"):
        response = client.post(reverse("characters:create"), data | {"handle": handle})
        assert "This handle is not available" in response.content.decode()
    assert Character.objects.count() == 0


def test_owner_creates_a_character_with_references_and_edits_it(client, ann):
    response = client.post(
        reverse("characters:create"),
        {"name": "Pip", "handle": "pip", "kind": "animal", "privacy": "only_me",
         "appearance": "A tiny yellow chick.", "style_notes": "flat colours",
         "negative_notes": "never orange", "front": upload(image_bytes()),
         "back": upload(image_bytes("JPEG"), "b.jpg")},
    )  # fmt: skip
    assert response.status_code == 302
    pip = Character.objects.get(handle="pip")
    assert pip.owner == ann and sorted(pip.references.values_list("angle", flat=True)) == [
        "back", "front",
    ]  # fmt: skip

    client.post(
        reverse("characters:edit", args=["pip"]),
        {"name": "Pip", "handle": "pip", "kind": "animal", "privacy": "everyone",
         "appearance": "A tiny yellow chick with a blue cap.",
         "style_notes": "", "negative_notes": ""},
    )  # fmt: skip

    pip.refresh_from_db()
    assert pip.appearance.endswith("blue cap.") and pip.privacy == "everyone"


def test_a_new_front_reference_replaces_the_old_one_and_extras_add_up(client, ann):
    pip = _character(ann, "pip")
    url = reverse("characters:upload_reference", args=["pip"])
    for angle in ("front", "front", "extra", "extra"):
        assert client.post(url, {"angle": angle, "image": upload(image_bytes())}).status_code == 302
    assert sorted(pip.references.values_list("angle", flat=True)) == ["extra", "extra", "front"]


def test_removing_a_reference_deletes_its_file(client, ann, django_capture_on_commit_callbacks):
    pip = _character(ann, "pip")
    client.post(
        reverse("characters:upload_reference", args=["pip"]),
        {"angle": "side", "image": upload(image_bytes())},
    )
    reference = pip.references.get()
    storage, name = reference.image.storage, reference.image.name
    assert storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("characters:delete_reference", args=["pip", reference.pk]))

    assert not pip.references.exists() and not storage.exists(name)


def test_looks_have_their_own_references_and_unique_names(client, ann):
    pip = _character(ann, "pip")
    looks_url = reverse("characters:create_look", args=["pip"])
    client.post(looks_url, {"name": "Winter coat", "description": "A red puffer coat."})

    duplicate = client.post(looks_url, {"name": "winter coat", "description": "again"})

    assert "already has a look with that name" in duplicate.content.decode()
    look = Look.objects.get(character=pip)
    client.post(
        reverse("characters:upload_reference", args=["pip"]),
        {"angle": "front", "look": look.pk, "image": upload(image_bytes())},
    )
    assert ReferenceImage.objects.get().look == look
    page = client.get(reverse("characters:detail", args=["pip"])).content.decode()
    assert 'data-look="Winter coat"' in page and "A red puffer coat." in page

    client.post(reverse("characters:delete_look", args=["pip", look.pk]))

    assert not Look.objects.exists() and not ReferenceImage.objects.exists()


def test_approving_by_username_or_studio_name_shares_at_once(client, ann, bob):
    _character(ann, "pip", privacy="approved")
    studio = Studio.objects.create(name="Night Owls")
    carl = make_user("carl")
    Membership.objects.create(studio=studio, user=carl, role=Role.VIEWER)
    url = reverse("characters:add_approval", args=["pip"])

    unknown = client.post(url, {"who": "user", "name": "nobody_here"}).content.decode()
    no_studio = client.post(url, {"who": "studio", "name": "No Such"}).content.decode()
    client.post(url, {"who": "user", "name": "bob"})
    shown = client.post(url, {"who": "studio", "name": "night owls"}).content.decode()

    assert "There is no user called “nobody_here”" in unknown
    assert "There is no studio called “No Such”" in no_studio
    own = client.post(url, {"who": "user", "name": "ann"}).content.decode()
    assert "You own this character already" in own
    assert 'data-approved-user="bob"' in shown and 'data-approved-studio="Night Owls"' in shown
    pip = Character.objects.get(handle="pip")
    assert pip.is_visible_to(bob) and pip.is_visible_to(carl)

    client.post(reverse("characters:remove_approval", args=["pip"]), {"studio": studio.pk})
    assert pip.is_visible_to(bob) and not pip.is_visible_to(carl)


def test_following_back_makes_mutuals_and_unfollowing_ends_it(client, ann, bob):
    bobs = _character(bob, "bobs_mutual", privacy="mutuals")
    Follow.objects.create(follower=bob, followed=ann)
    follow_url = reverse("characters:follow", args=["bob"])
    profile = reverse("characters:profile", args=["bob"])
    assert "bobs_mutual" not in client.get(profile).content.decode()

    box = client.post(follow_url, {"follow": "1"}, headers={"HX-Request": "true"}).content.decode()

    assert "mutuals" in box and "Unfollow" in box
    assert "bobs_mutual" in client.get(profile).content.decode()
    client.post(follow_url, {"follow": "0"})
    assert not bobs.is_visible_to(ann)
    assert "bobs_mutual" not in client.get(profile).content.decode()


def test_character_page_lists_only_scenes_the_viewer_may_see(client, ann, bob, episode, writer):
    from projects.models import Scene

    lumi = _character(bob, "lumi", privacy="everyone")
    scene = Scene.objects.filter(episode=episode).first()
    scene.cast.add(lumi)
    page_for_ann = client.get(reverse("characters:detail", args=["lumi"])).content.decode()
    client.force_login(writer)
    page_for_writer = client.get(reverse("characters:detail", args=["lumi"])).content.decode()

    assert scene.heading not in page_for_ann and "Not cast in any scene you can see" in page_for_ann
    assert scene.heading in page_for_writer and episode.project.name in page_for_writer


def test_nav_links_to_the_library(client, ann):
    page = client.get(reverse("generation:home")).content.decode()
    assert f'href="{reverse("characters:library")}"' in page
