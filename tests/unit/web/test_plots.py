"""Server-rendered SVG: well-formed, one polyline per unbroken run, labels escaped, no float
money in (Decimals plotted as they are)."""

from __future__ import annotations

from decimal import Decimal
from xml.etree import ElementTree

from defusedxml import ElementTree as SafeTree
from hypothesis import given
from hypothesis import strategies as st

from ledgerbridge.web.plots import line_chart

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ElementTree.Element:
    return SafeTree.fromstring(svg)


def test_each_series_is_a_polyline_with_a_point_per_value() -> None:
    svg = parse(
        line_chart(
            "Sales & payouts <EUR>",
            ["1 Mar", "2 Mar", "3 Mar"],
            {"sales": [Decimal("10.50"), Decimal("0"), Decimal("99.99")], "payouts": [None] * 3},
            unit="EUR",
        )
    )
    [line] = svg.findall(f"{NS}polyline")
    assert len(line.attrib["points"].split()) == 3
    texts = [t.text for t in svg.iter(f"{NS}text")]
    assert "Sales & payouts <EUR>" in texts
    assert "payouts (EUR)" in texts


def test_a_gap_splits_the_line_and_a_lone_value_is_a_dot() -> None:
    svg = parse(
        line_chart("p99", ["a", "b", "c", "d"], {"p99": [Decimal(1), None, Decimal(3), None]})
    )
    assert svg.findall(f"{NS}polyline") == []
    assert len(svg.findall(f"{NS}circle")) == 2


@given(
    st.lists(
        st.one_of(st.none(), st.decimals(min_value=-(10**6), max_value=10**6, places=2)),
        min_size=1,
        max_size=40,
    )
)
def test_any_series_draws_inside_the_frame(values: list[Decimal | None]) -> None:
    svg = parse(line_chart("t", [str(i) for i in range(len(values))], {"s": values}))
    points = [
        tuple(float(v) for v in p.split(","))
        for line in svg.findall(f"{NS}polyline")
        for p in line.attrib["points"].split()
    ] + [(float(c.attrib["cx"]), float(c.attrib["cy"])) for c in svg.findall(f"{NS}circle")]
    assert len(points) == sum(v is not None for v in values)
    assert all(0 <= x <= 640 and 0 <= y <= 220 for x, y in points)
