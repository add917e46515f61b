import pytest

from jiuzhu.regions.models import Region
from jiuzhu.regions.selectors import region_subtree
from jiuzhu.regions.services import RegionError, region_create


def test_subtree_is_one_prefix_query(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        codes = sorted(r.code for r in region_subtree(root=tree["town1"]))
    assert codes == ["990102001", "990102001001", "990102001001001"]


def test_paths_follow_the_codes(tree):
    assert tree["grid2"].path == "99/9901/990102/990102002/990102002001/990102002001001/"
    assert tree["county"].contains(tree["grid2"])
    assert not tree["town1"].contains(tree["grid2"])


@pytest.mark.parametrize("code, level, message", [
    ("99010200", "township", "9 位数字"),
    ("990103004", "township", "开头"),
    ("990102004001", "village", "不衔接"),
])
def test_bad_region_is_refused_and_nothing_written(tree, code, level, message):
    before = Region.objects.count()
    with pytest.raises(RegionError, match=message):
        region_create(code=code, name="错误", level=level, parent=tree["county"])
    assert Region.objects.count() == before
