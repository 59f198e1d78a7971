"""The S3 object store against a real S3-compatible server: moto's standalone server,
started here on a free port and reached over HTTP by boto3."""

from __future__ import annotations

import socket

import pytest
from moto.server import ThreadedMotoServer

from processes.attachments import S3Store, StoreError, open_store, sha256_of
from tests.attachment_samples import PDF, photo_with_gps


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def endpoint():
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def settings(endpoint, tmp_path) -> dict[str, str]:
    return {
        "ZONGZHI_ATTACHMENT_S3_URL": "s3://zongzhi-files/cases",
        "ZONGZHI_ATTACHMENT_S3_ENDPOINT": endpoint,
        "ZONGZHI_ATTACHMENT_S3_ACCESS_KEY": "testing",
        "ZONGZHI_ATTACHMENT_S3_SECRET_KEY": "testing",
    }


@pytest.fixture
def store(settings, tmp_path) -> S3Store:
    store = open_store(settings, default_dir=tmp_path)
    assert isinstance(store, S3Store)
    store.client.create_bucket(Bucket="zongzhi-files")
    yield store
    for item in store.client.list_objects_v2(Bucket="zongzhi-files").get("Contents", []):
        store.client.delete_object(Bucket="zongzhi-files", Key=item["Key"])
    store.client.delete_bucket(Bucket="zongzhi-files")


def test_an_object_goes_in_and_comes_back_by_its_hash(store):
    digest = store.put(PDF)
    assert digest == sha256_of(PDF)
    assert store.exists(digest) and store.get(digest) == PDF
    keys = [o["Key"] for o in store.client.list_objects_v2(Bucket="zongzhi-files")["Contents"]]
    assert keys == [f"cases/{digest}"]


def test_the_same_content_twice_is_one_object_and_a_missing_one_reads_none(store):
    photo = photo_with_gps()
    assert store.put(photo) == store.put(photo)
    listed = store.client.list_objects_v2(Bucket="zongzhi-files")["Contents"]
    assert len(listed) == 1
    assert store.get(sha256_of(b"never stored")) is None
    assert not store.exists(sha256_of(b"never stored"))


def test_an_unreachable_store_fails_with_a_chinese_message(settings, tmp_path):
    settings = {**settings, "ZONGZHI_ATTACHMENT_S3_ENDPOINT": f"http://127.0.0.1:{_free_port()}"}
    store = open_store(settings, default_dir=tmp_path)
    with pytest.raises(StoreError, match="附件存储服务"):
        store.put(PDF)


def test_a_malformed_store_url_is_named():
    with pytest.raises(StoreError, match="s3://存储桶/前缀"):
        open_store({"ZONGZHI_ATTACHMENT_S3_URL": "https://bucket"}, default_dir=".")
