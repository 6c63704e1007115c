from django.apps import AppConfig


class ChannelsAppConfig(AppConfig):
    name = "channels_app"
    verbose_name = "Kanaler"

    def ready(self) -> None:
        from cases.signals import case_changed
        from channels_app.live import broadcast_case_change

        case_changed.connect(
            broadcast_case_change, dispatch_uid="channels_app.broadcast_case_change"
        )
