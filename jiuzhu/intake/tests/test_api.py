"""/api/v1/intake: create, read, act — and errors shaped like the applications API."""

import base64

from jiuzhu.intake.models import Request, RequestItem

from .conftest import MZ01_MATERIALS, PDF


def body(family, items=("MZ01", "JY02", "CL01"), **extra):
    files = [{"material": m, "name": f"{m}.pdf", "content_base64": base64.b64encode(PDF).decode()}
             for m in MZ01_MATERIALS]
    return {"household_id": family.household_id, "items": list(items), "channel": "window",
            "materials": {"JY02": ["学籍证明"]} if "JY02" in items else {}, "files": files, **extra}


def test_create_and_read(api, family):
    response = api.post("window", "/api/v1/intake/requests", body(family))
    assert response.status_code == 201, response.content
    data = response.json()
    assert len(data["query_code"]) == 8 and data["status"] == "open"
    items = {i["item_code"]: i for i in data["items"]}
    assert items["MZ01"]["mode"] == "internal" and items["MZ01"]["application"]["state"] == "submitted"
    assert items["JY02"]["state"] == "transferred" and items["JY02"]["department"] == "JY"
    assert items["JY02"]["materials"] == ["学籍证明"] and items["JY02"]["due_date"]
    again = api.get("window", f"/api/v1/intake/requests/{data['id']}")
    assert again.status_code == 200 and again.json()["number"] == data["number"]
    assert api.get("other_window", f"/api/v1/intake/requests/{data['id']}").status_code == 404
    assert api.get("window", "/api/v1/intake/requests/999999").status_code == 404


def test_create_errors(api, family):
    response = api.post("window", "/api/v1/intake/requests", {"items": []})
    assert response.status_code == 422
    assert {e["path"] for e in response.json()["errors"]} == {"household_id", "items", "channel"}
    response = api.post("window", "/api/v1/intake/requests", body(family, items=("JY02", "NOPE")))
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "items[1]"
    assert api.post("other_window", "/api/v1/intake/requests", body(family)).status_code == 404
    # a department officer does not even see a household none of whose items is with them
    assert api.post("jy", "/api/v1/intake/requests", body(family)).status_code == 404
    assert not Request.objects.exists()


def test_actions(api, family):
    data = api.post("window", "/api/v1/intake/requests", body(family, items=("JY02", "CL01"))).json()
    jy02 = next(i["id"] for i in data["items"] if i["item_code"] == "JY02")
    response = api.act("jy", jy02, "finish", {"result": "granted", "note": "x"})
    assert response.status_code == 409 and response.json()["code"] == "step_not_allowed"
    assert api.act("cl", jy02, "accept").status_code == 404  # not with CL
    assert api.act("window", jy02, "accept").status_code == 403
    assert api.act("other_jy", jy02, "accept").status_code == 404
    assert api.act("jy", jy02, "accept").json()["state"] == "accepted"
    response = api.act("jy", jy02, "return", {})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"path": "reason", "message": "必填项"}]
    assert RequestItem.objects.get(pk=jy02).state == "accepted"
    done = api.act("jy", jy02, "finish", {"result": "granted", "note": "每学期", "amount": "625.5"}).json()
    assert (done["state"], done["result"], done["amount"]) == ("finished", "granted", "625.50")
    assert [s["action"] for s in done["steps"]] == ["transfer", "accept", "finish"]
    cl01 = next(i["id"] for i in data["items"] if i["item_code"] == "CL01")
    assert api.act("supervisor", cl01, "urge", {"message": "请加快"}).json()["urges"][0]["message"] == "请加快"
    assert api.act("jy", cl01, "urge", {"message": "x"}).status_code == 404  # not with JY
    assert api.act("window", cl01, "urge", {"message": "x"}).status_code == 403
