from django.apps import AppConfig


class ComicStudioConfig(AppConfig):
    name = "comicstudio"
    verbose_name = "Comic Studio"

    def ready(self) -> None:
        from comicstudio import checks  # noqa: F401  (registers the system checks)
