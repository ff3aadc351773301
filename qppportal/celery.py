"""The Celery application; tasks are discovered in every installed app's ``tasks`` module."""

from pathlib import Path

from celery import Celery

app = Celery("qppportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

FILESYSTEM_BROKER_FOLDERS = ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")


@app.on_after_configure.connect
def filesystem_broker_folders_make(sender, **kwargs) -> None:
    """The development broker keeps its messages in folders under var/: made when Celery is first
    configured, not when the settings are imported."""
    if str(sender.conf.broker_url).startswith("filesystem://"):
        options = sender.conf.broker_transport_options or {}
        for key in FILESYSTEM_BROKER_FOLDERS:
            if key in options:
                Path(options[key]).mkdir(parents=True, exist_ok=True)
