"""The pages for the other programmes: the create page per item, the case page's forms."""

from datetime import date

from django.urls import reverse

from jiuzhu.applications.services import application_create
from jiuzhu.households.services import household_register
from jiuzhu.testing import household_dict, member_dict


def _household(staff):
    return household_register(actor=staff["window"], data=household_dict(
        members=[member_dict(birth=date(1950, 3, 3), occupation="none")],
        flags={"recent_hardship_event": True}))


def test_create_page_takes_the_item_and_its_catalogue_materials(client, staff):
    household = _household(staff)
    client.force_login(staff["window"])
    url = reverse("applications:create") + f"?household={household.pk}&item=MZ04"
    body = client.get(url).content.decode()
    assert "MZ04 临时救助" in body
    assert "困难情况说明" in body and "支出凭证" in body
    assert "收入证明" not in body  # a dibao material
    dibao = client.get(reverse("applications:create") + f"?household={household.pk}").content.decode()
    assert "收入证明" in dibao


def test_case_page_names_the_item_and_asks_the_temporary_amount(client, staff):
    household = _household(staff)
    app = application_create(actor=staff["window"], household=household, item_code="MZ04",
                             channel="window")
    from jiuzhu.applications.models import Application

    Application.objects.filter(pk=app.pk).update(state="opinion")
    client.force_login(staff["reviewer"])
    body = client.get(reverse("applications:detail", args=[app.pk])).content.decode()
    assert "临时救助" in body
    assert "拟救助金额" in body
    refused = client.post(reverse("applications:act", args=[app.pk, "submit_opinion"]),
                          {"recommend": "approve", "amount": "999999.00"})
    assert refused.status_code == 422
    assert "超过单次上限" in refused.content.decode()
    assert Application.objects.get(pk=app.pk).state == "opinion"
