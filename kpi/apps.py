from django.apps import AppConfig


class KpiConfig(AppConfig):
    name = "kpi"
    verbose_name = "Mått och statistik"
