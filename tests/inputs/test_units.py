import pandas as pd
import pytest

from landeval.inputs.units import M2_PER_MU, m2_to_mu, mu_to_m2, to_wan_yuan


def test_mu_is_exactly_ten_thousand_fifteenths():
    assert pytest.approx(10000.0, abs=1e-9) == M2_PER_MU * 15
    assert m2_to_mu(10000.0) == pytest.approx(15.0)
    assert mu_to_m2(3.0) == pytest.approx(2000.0)


def test_money_conversion():
    s = pd.Series([12_345_678.0, 0.0])
    assert to_wan_yuan(s, "yuan").tolist() == pytest.approx([1234.5678, 0.0])
    assert to_wan_yuan(5.0, "wan_yuan") == 5.0
    with pytest.raises(ValueError, match="unknown money unit"):
        to_wan_yuan(1.0, "dollar")
