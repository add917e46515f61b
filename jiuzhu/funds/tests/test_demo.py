"""The demo funds: the funds, every source, the three reserves with ¥50,000, loading twice
adds nothing, and the rows match their entries."""

from io import StringIO

from jiuzhu.funds import demo, selectors
from jiuzhu.funds.choices import EntryKind, FundKind, IncomeSource
from jiuzhu.funds.models import Fund, LedgerEntry
from jiuzhu.regions.demo import load_regions


def test_the_demo_funds(db):
    load_regions()
    out = StringIO()
    first = demo.load(stdout=out)
    assert first["funds"] == 5 and "救急难基金" in out.getvalue()
    county = Fund.objects.get(region__code="990102", kind=FundKind.FUND)
    assert county.name == "示范县救急难基金" and county.parent.region.code == "9901"
    sources = set(county.entries.filter(kind=EntryKind.INCOME).values_list("source", flat=True))
    assert sources == {s.value for s in IncomeSource} - {"transfer"}
    donation = county.entries.get(source="donation")
    assert donation.donor and donation.receipt_number
    reserves = Fund.objects.filter(kind=FundKind.RESERVE).order_by("region__code")
    assert [r.region.code for r in reserves] == ["990102001", "990102002", "990102003"]
    assert [r.name for r in reserves] == ["城关街道备用金", "东河镇备用金", "西山乡备用金"]
    assert all(r.balance_fen == 5_000_000 for r in reserves)
    for fund in Fund.objects.all():
        assert fund.balance_fen == selectors.computed_balance_fen(fund)
    count = LedgerEntry.objects.count()
    assert demo.load() == {"funds": 0, "entries": 0}
    assert LedgerEntry.objects.count() == count
