from django.apps import AppConfig


class KundtjanstConfig(AppConfig):
    name = "kundtjanst"
    verbose_name = "Kundtjänst"
