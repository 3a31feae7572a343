from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from projects.live import close_sockets_on_logout

        # Wiring only: a logout ends the user's open storyboard sockets (projects/live.py).
        user_logged_out.connect(close_sockets_on_logout, dispatch_uid="close-sockets-on-logout")
