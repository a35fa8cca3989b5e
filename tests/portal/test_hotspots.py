"""The hotspot map: who may open it, counts by kecamatan and village equal to a hand count, the area list
only with cases the user may open, and the schematic geometry (cells that tile the outline)."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from complaints.hotspots import area_counts, village_counts
from complaints.models import Category, Complaint, District, Village
from complaints.statistics import Scope
from complaints.workflow import Status
from portal.hotspot_map import OUTLINE, Projection, build_map, clip, shade_steps, voronoi_cells
from roles.roles import Role

pytestmark = pytest.mark.django_db


def _area(polygon) -> float:
    return abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(polygon, polygon[1:] + polygon[:1], strict=True))) / 2


@pytest.fixture
def scene(complaint_in, paringin, halong, category, info_category):
    """Paringin: 2 in the period (one still with the Operator), 1 before it; Halong: 1; an information request."""
    village = Village.objects.create(district=paringin, name="Balang")
    other_category = Category.objects.create(kind=category.kind, name="Balap liar", slug="balap-liar-uji")
    cases = {
        "forwarded": complaint_in(Status.VERIFICATION, village=village, latitude=Decimal("-2.331"), longitude=Decimal("115.468")),
        "with_operator": complaint_in(Status.SCREENING),
        "old": complaint_in(Status.VERIFICATION),
        "halong": complaint_in(Status.FIELD_CHECK, district=halong, category=other_category),
        "information": complaint_in(Status.SCREENING, category=info_category),
    }
    Complaint.objects.filter(pk=cases["old"].pk).update(created_at=timezone.now() - timedelta(days=60))
    return cases


def _scope(**narrowing) -> Scope:
    today = timezone.localdate()
    return Scope(start=today - timedelta(days=29), end=today, **narrowing)


def test_counts_per_kecamatan_equal_a_hand_count(scene, paringin, halong):
    counts = {count.district: count for count in area_counts(_scope())}
    assert (counts[paringin].total, counts[paringin].open) == (2, 2)  # not the old case, not the information request
    assert counts[halong].total == 1
    assert len(counts) == District.objects.count()  # quiet kecamatan are listed with 0
    assert sum(count.total for count in counts.values()) == 3


def test_overdue_counts_the_open_cases_past_their_step_time(scene, paringin):
    later = scene["forwarded"].due_at + timedelta(minutes=1)
    counts = {count.district: count for count in area_counts(_scope(), now=later)}
    assert counts[paringin].overdue >= 1
    assert counts[paringin].overdue == Complaint.objects.filter(
        pk__in=[scene["forwarded"].pk, scene["with_operator"].pk], due_at__lt=later
    ).count()


def test_category_narrows_the_counts(scene, halong):
    counts = {c.district: c.total for c in area_counts(_scope(category_id=scene["halong"].category_id))}
    assert counts[halong] == 1 and sum(counts.values()) == 1


def test_village_counts_put_unrecorded_villages_last(scene, paringin):
    rows = [(row.village.name if row.village else None, row.total) for row in village_counts(_scope(), paringin)]
    assert rows == [("Balang", 1), (None, 1)]


@pytest.mark.parametrize("who", [Role.KABID, Role.KEPALA])
def test_leaders_open_the_map_from_the_nav(portal_as, scene, who):
    response = portal_as(who).get("/hotspots/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/hotspots/" class="active" aria-current="page">Peta kerawanan' in html
    assert len(re.findall(r'class="area(?: selected)?"', html)) == District.objects.count()
    assert "<script" not in html.split("<main>")[1]


@pytest.mark.parametrize("who", [Role.OPERATOR, Role.KASI, Role.TRC, "nobody"])
def test_other_roles_get_403_and_no_link(portal_as, who):
    response = portal_as(who).get("/hotspots/")
    assert response.status_code == 403
    assert "Peta kerawanan hanya untuk Kabid dan Kepala." in response.content.decode()
    assert b'href="/hotspots/"' not in portal_as(who).get("/cases/").content


def test_anonymous_is_sent_to_login(client):
    response = client.get("/hotspots/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_bad_period_is_refused_in_indonesian(portal_as):
    response = portal_as(Role.KEPALA).get("/hotspots/", {"start": "2026-05-01", "end": "2026-04-01"})
    assert response.status_code == 400
    assert "Tanggal awal harus sebelum" in response.content.decode()


def _listed_codes(html: str) -> set[str]:
    return set(re.findall(r'href="/cases/([A-Z0-9-]+)/"', html))


def test_clicking_an_area_lists_only_cases_the_user_may_open(portal_as, htmx_as, scene):
    kepala = portal_as(Role.KEPALA).get("/hotspots/", {"district": "paringin"}).content.decode()
    assert _listed_codes(kepala) == {scene["forwarded"].code, scene["with_operator"].code}
    # The Kabid sees cases from verification on: the one still with the Operator is counted but not listed.
    kabid = htmx_as(Role.KABID).get("/hotspots/", {"district": "paringin"}, HTTP_HX_TARGET="area")
    html = kabid.content.decode()
    assert kabid.status_code == 200
    assert html.lstrip().startswith('<section id="area"')  # only the list, for htmx to swap in
    assert _listed_codes(html) == {scene["forwarded"].code}
    assert "Balang" in html


def test_dots_are_drawn_only_for_cases_the_user_may_open(portal_as, scene):
    Complaint.objects.filter(pk=scene["with_operator"].pk).update(latitude=Decimal("-2.34"), longitude=Decimal("115.47"))
    kabid = portal_as(Role.KABID).get("/hotspots/").content.decode()
    kepala = portal_as(Role.KEPALA).get("/hotspots/").content.decode()
    assert kabid.count('r="3.5"') == 1 and scene["with_operator"].code not in kabid
    assert kepala.count('r="3.5"') == 2


def test_voronoi_cells_tile_the_outline_and_hold_their_centres():
    project = Projection(OUTLINE)
    outline = [project(lon, lat) for lon, lat in OUTLINE]
    sites = {d.pk: project(float(d.longitude), float(d.latitude)) for d in District.objects.all()}
    assert len(sites) == 8
    cells = voronoi_cells(outline, sites)
    assert sum(_area(cell) for cell in cells.values()) == pytest.approx(_area(outline), rel=1e-6)
    for pk, (x, y) in sites.items():
        xs, ys = [p[0] for p in cells[pk]], [p[1] for p in cells[pk]]
        assert min(xs) <= x <= max(xs) and min(ys) <= y <= max(ys)


def test_clip_keeps_the_half_nearer_the_site():
    square = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]
    assert _area(clip(square, (2.0, 5.0), (8.0, 5.0))) == pytest.approx(50.0)
    assert max(p[0] for p in clip(square, (2.0, 5.0), (8.0, 5.0))) == pytest.approx(5.0)


@pytest.mark.parametrize(("maximum", "ranges"), [
    (0, []), (1, [(1, 1)]), (3, [(1, 1), (2, 2), (3, 3)]), (10, [(1, 2), (3, 4), (5, 6), (7, 8), (9, 10)]),
])
def test_shade_ranges_cover_one_to_the_largest_count(maximum, ranges):
    assert [(step.low, step.high) for step in shade_steps(maximum)] == ranges


def test_a_kecamatan_without_coordinates_stays_in_the_table(scene, paringin):
    District.objects.filter(pk=paringin.pk).update(latitude=None, longitude=None)
    drawn = build_map(area_counts(_scope()), [])
    assert paringin.pk not in {area.count.district.pk for area in drawn.areas}
    assert [count.district for count in drawn.unplaced] == [District.objects.get(pk=paringin.pk)]


def test_svg_coordinates_are_not_localized_in_indonesian(portal_as, scene):
    # "123,4" in an SVG x attribute reads as two coordinates and scatters the label's letters.
    html = portal_as(Role.KEPALA).get("/hotspots/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    svg = html.split('<svg class="hotspot-map"')[1].split("</svg>")[0]
    assert not re.search(r'\b(?:x|y|cx|cy)="[^"]*,', svg)
    assert re.search(r'x="\d+\.\d"', svg)
