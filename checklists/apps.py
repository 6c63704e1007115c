from django.apps import AppConfig


class ChecklistsConfig(AppConfig):
    name = "checklists"
    verbose_name = "Checklistor och överenskommelser"

    def ready(self) -> None:
        from checklists import learning  # noqa: F401  (keeps the learned weights with the uses)
