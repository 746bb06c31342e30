"""Two svc-storage shards: uploads, downloads and purge go to the shard of the space named in
the key, on both shards."""
import os

import pytest
import requests

from harness import Stack, fresh_code
from test_storage_support import png_bytes, upload, wait_for


@pytest.fixture(scope="module")
def sharded():
    s = Stack(shards={"storage": 2}).start()
    yield s
    s.stop()


def test_two_storage_shards(sharded):
    a = sharded.login("sh" + fresh_code())
    sids = set()
    while len({s % 2 for s in sids}) < 2 and len(sids) < 12:
        sids.add(a.enter(fresh_code()))
    assert len({s % 2 for s in sids}) == 2, sids
    keys = {}
    for sid in sids:
        r = upload(a, png_bytes(), space_id=sid)
        assert r.status_code == 200, r.text
        keys[sid] = r.json()["key"]
        assert requests.get(sharded.url("/files/" + keys[sid]), timeout=10).content == png_bytes()
    dbs = [f for f in os.listdir(sharded.data) if f.startswith("storage") and f.endswith(".db")]
    assert len(dbs) == 2, dbs
    for sid in sids:
        r = a.post("/api/space/delete", {"space_id": sid, "operator_user_id": a.openid})
        assert r.status_code == 200, r.text
    for sid, key in keys.items():
        wait_for(lambda: requests.get(sharded.url("/files/" + key), timeout=10).status_code == 404
                 and not os.path.exists(os.path.join(sharded.data, "blobs", key)), 20, key)
