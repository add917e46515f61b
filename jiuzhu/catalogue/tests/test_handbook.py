"""The generalist's handbook (口袋书): every item's texts, search, item pages with the
figures in force, the printable page and the PDF; the data migration of the texts."""

import shutil
import subprocess

import pytest
from django.utils import timezone

from jiuzhu.catalogue.loader import fill_texts, read_catalogue
from jiuzhu.catalogue.models import Item
from jiuzhu.catalogue.selectors import item_in_force, items_in_force, items_search
from jiuzhu.rules.parameters import parameters_for

pytestmark = pytest.mark.django_db


def test_every_item_has_its_policy_conditions_and_process():
    entries = read_catalogue()["items"]
    assert len(entries) == 39
    for entry in entries:
        for field in ("policy", "conditions", "process"):
            assert len(entry.get(field, "").strip()) >= 20, (entry["code"], field)
    for item in items_in_force():
        assert item.policy and item.conditions and item.process, item.code
        assert f"{item.limit} 个工作日" in item.process, item.code
    assert "民发〔2021〕57号" in item_in_force("MZ01").policy
    assert "民发〔2021〕43号" in item_in_force("MZ03").policy
    assert "法律援助法" in item_in_force("SF01").policy


def test_the_text_migration_fills_only_empty_texts():
    Item.objects.filter(code="MZ01").update(policy="", conditions="", process="")
    Item.objects.filter(code="MZ02").update(policy="本县自定的依据")
    assert fill_texts(Item) == 1
    mz01, mz02 = item_in_force("MZ01"), item_in_force("MZ02")
    assert "民发〔2021〕57号" in mz01.policy and mz01.conditions and mz01.process
    assert mz02.policy == "本县自定的依据"
    assert fill_texts(Item) == 0


def test_the_search_looks_in_code_name_department_materials_and_policy():
    def codes(query, **kw):
        return [i.code for i in items_search(query, **kw)]

    assert codes("MZ0")[:3] == ["MZ01", "MZ02", "MZ03"]
    assert codes("法律援助") == ["SF01"]
    assert codes("司法局") == ["SF01", "SF02"]
    assert codes("残疾证") == ["MZ03", "CL01", "CL02", "CL03"]
    assert codes("国发〔2015〕52号") == ["CL01", "CL02"]
    assert codes("学籍证明 教育局") == ["JY01", "JY02", "JY03", "JY04"]
    assert codes("身份证", department="FL") == ["FL01", "FL02"]
    assert codes("没有这种事项") == []


def test_the_handbook_page_and_its_live_filter(client, window_worker,
                                               django_assert_max_num_queries):
    client.force_login(window_worker)
    with django_assert_max_num_queries(10):
        page = client.get("/catalogue/handbook/")
    html = page.content.decode()
    assert page.status_code == 200 and "<html" in html
    assert html.count("data-department=") == 12 and html.count("data-code=") == 39
    assert 'hx-get="/catalogue/handbook/"' in html
    assert html.index('data-department="MZ"') < html.index('data-department="FL"')
    with django_assert_max_num_queries(10):
        partial = client.get("/catalogue/handbook/", {"q": "残疾证"}, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert "<html" not in body and body.count("data-code=") == 4
    assert 'data-code="CL02"' in body and 'data-code="MZ01"' not in body
    assert "HX-Request" in partial["Vary"]
    client.logout()
    assert client.get("/catalogue/handbook/").status_code == 302


def test_the_item_page_shows_rules_figures_materials_and_process(client, window_worker,
                                                                 django_assert_max_num_queries):
    client.force_login(window_worker)
    with django_assert_max_num_queries(10):
        page = client.get("/catalogue/handbook/MZ02/")
    html = page.content.decode()
    item = item_in_force("MZ02")
    params = parameters_for("990102", timezone.localdate())
    line = params["dibao_standard_urban"] * params["low_income_multiplier"]
    assert item.conditions[:30] in html and item.policy[:20] in html
    assert f"{line:.2f}" in html and str(params["dibao_standard_urban"]) in html
    for material in item.materials:
        assert f"<li>{material}</li>" in html
    assert "30 个工作日" in html and "县级" in html and "民政局" in html
    assert "@media print" in html
    other = client.get("/catalogue/handbook/SF01/").content.decode()
    assert 'data-testid="figures"' not in other and "法律援助法" in other
    assert client.get("/catalogue/handbook/ZZ99/").status_code == 404


def test_the_printable_handbook_has_every_item(client, window_worker,
                                               django_assert_max_num_queries):
    client.force_login(window_worker)
    with django_assert_max_num_queries(10):
        page = client.get("/catalogue/handbook/print/")
    html = page.content.decode()
    for item in items_in_force():
        assert f'id="item-{item.code}"' in html and item.name in html
    assert "@media print" in html and "break-inside" in html


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_handbook_pdf_holds_names_and_materials(client, window_worker, tmp_path):
    client.force_login(window_worker)
    response = client.get("/catalogue/handbook/handbook.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "handbook.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    compact = "".join(text.split())
    for code in ("MZ01", "CL02", "FL02"):
        item = item_in_force(code)
        assert item.name in compact, code
        for material in item.materials:
            assert material in compact, (code, material)
    assert "社会救助政策口袋书" in compact and "民发〔2021〕57号" in compact
