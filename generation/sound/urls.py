from django.urls import path

from generation.sound import views

urlpatterns = [
    path("characters/<str:handle>/voices/", views.character_voices, name="character_voices"),
    path("characters/<str:handle>/voices/sample/", views.voice_sample, name="voice_sample"),
    path(
        "characters/<str:handle>/voices/sample.wav",
        views.voice_sample_audio,
        name="voice_sample_audio",
    ),  # fmt: skip
    path("projects/<int:project_id>/sound/", views.project_sound_page, name="project_sound"),
    path("projects/<int:project_id>/sound/music/", views.project_music, name="project_music"),
    path("episodes/<int:episode_id>/music/", views.episode_music, name="episode_music"),
    path("episodes/<int:episode_id>/voice/", views.voice_episode, name="voice_episode"),
    path("scenes/<int:scene_id>/sound/", views.scene_sound_page, name="scene_sound"),
    path("scenes/<int:scene_id>/sound/ambience/", views.scene_ambience, name="scene_ambience"),
    path("scenes/<int:scene_id>/sound/voice/", views.voice_scene, name="voice_scene"),
    path("scenes/<int:scene_id>/dialogue.wav", views.scene_dialogue, name="scene_dialogue"),
]
