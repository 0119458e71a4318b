"""Uploads on an S3-compatible object store chosen by configuration alone (STORAGE_BACKEND=s3):
a visit photo goes into the bucket, comes back only through the permission-checked view, and is
deleted from the bucket with its draft row. The store is moto's S3 server on 127.0.0.1, started
by the test; nothing reaches the network."""

from pathlib import Path

import boto3
import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import reverse
from moto.server import ThreadedMotoServer

from dudao import settings as project_settings
from tests.factories_visits import jpeg_upload
from visits.models import VisitPhoto

BUCKET = "dudao-test-uploads"
KEYS = {"AWS_ACCESS_KEY_ID": "test-key", "AWS_SECRET_ACCESS_KEY": "test-secret"}


@pytest.fixture(scope="module")
def s3_server():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_storage(s3_server, monkeypatch):
    """The environment a deployment sets for S3, the storage it configures, and the bucket."""
    environment = {
        "STORAGE_BACKEND": "s3",
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": s3_server,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_LOCATION": "uploads",
        **KEYS,
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="us-east-1",
        aws_access_key_id=KEYS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=KEYS["AWS_SECRET_ACCESS_KEY"],
    )
    client.create_bucket(Bucket=BUCKET)
    storages = {**settings.STORAGES, "default": project_settings.media_storage()}
    with override_settings(STORAGES=storages):
        yield client
    for stored in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=stored["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> set[str]:
    return {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def test_local_disk_is_the_default(monkeypatch):
    monkeypatch.delenv("STORAGE_BACKEND", raising=False)
    assert project_settings.media_storage() == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }


@pytest.mark.parametrize(
    "environment",
    [{"STORAGE_BACKEND": "ftp"}, {"STORAGE_BACKEND": "s3", "AWS_STORAGE_BUCKET_NAME": ""}],
)
def test_a_wrong_storage_setting_stops_the_start(monkeypatch, environment):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured):
        project_settings.media_storage()


@pytest.mark.django_db
def test_a_visit_photo_lives_in_the_bucket_and_only_the_checked_view_serves_it(
    s3_storage, client, personas, draft, django_capture_on_commit_callbacks
):
    local_before = set(Path(settings.MEDIA_ROOT).rglob("*"))

    client.force_login(personas.inspector_user)
    response = client.post(
        reverse("visits:photo_upload", args=[draft.pk]),
        {"file": jpeg_upload()},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 201, response.content
    photo = VisitPhoto.objects.get(visit=draft)
    assert photo.image.storage.__class__.__name__ == "S3Storage"
    stored = keys(s3_storage)
    assert stored == {f"uploads/{photo.image.name}", f"uploads/{photo.thumbnail.name}"}
    assert set(Path(settings.MEDIA_ROOT).rglob("*")) == local_before  # nothing on local disk

    # Read back through the permission-checked view: the same bytes as in the bucket.
    in_bucket = s3_storage.get_object(Bucket=BUCKET, Key=f"uploads/{photo.image.name}")
    response = client.get(reverse("visits:photo_file", args=[photo.pk, "full"]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == in_bucket["Body"].read()
    assert response["Content-Type"] == "image/jpeg"

    # Someone of another county never reaches the object.
    client.force_login(personas.other_office)
    assert client.get(reverse("visits:photo_file", args=[photo.pk, "full"])).status_code == 404

    # Deleting the photo from the draft deletes both objects once the transaction commits.
    client.force_login(personas.inspector_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("visits:photo_delete", args=[photo.pk]), headers={"Accept": "application/json"}
        )
    assert response.json() == {"ok": True}
    assert keys(s3_storage) == set()
    assert not default_storage.exists(photo.image.name)


@pytest.mark.django_db
def test_a_row_whose_object_is_gone_is_a_404_not_an_error(s3_storage, client, personas, draft):
    client.force_login(personas.inspector_user)
    client.post(
        reverse("visits:photo_upload", args=[draft.pk]),
        {"file": jpeg_upload()},
        headers={"Accept": "application/json"},
    )
    photo = VisitPhoto.objects.get(visit=draft)
    s3_storage.delete_object(Bucket=BUCKET, Key=f"uploads/{photo.image.name}")
    assert client.get(reverse("visits:photo_file", args=[photo.pk, "full"])).status_code == 404
