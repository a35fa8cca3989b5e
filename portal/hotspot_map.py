"""The hotspot map as plain SVG geometry: kecamatan areas shaded by count, complaint dots, all computed here.

No tiles and no script: the map must work in an office without internet. Balangan's official kecamatan
boundaries are not shipped (no openly licensed file was at hand), so each kecamatan is drawn as the part of an
approximate outline of the kabupaten that lies nearest its centre point (a Voronoi cell) — a schematic map,
labelled as such, that moves when an administrator corrects a kecamatan's coordinates in the admin.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from complaints.hotspots import AreaCount, Point

# Approximate outline of Kabupaten Balangan, (longitude, latitude), clockwise from the west.
OUTLINE: tuple[tuple[float, float], ...] = (
    (115.30, -2.28), (115.35, -2.17), (115.44, -2.09), (115.57, -2.02), (115.71, -2.02), (115.81, -2.11),
    (115.80, -2.29), (115.74, -2.41), (115.62, -2.50), (115.50, -2.53), (115.39, -2.47), (115.32, -2.38),
)
WIDTH = 640.0
PADDING = 12.0
# Five shades, light to dark (a sequential yellow-orange-red scale that stays readable in greyscale print).
SHADES = ("#fff5d6", "#fed98e", "#fe9929", "#d95f0e", "#993404")
EMPTY_SHADE = "#f2f2f2"

Vertex = tuple[float, float]


@dataclass(frozen=True)
class Area:
    count: AreaCount
    path: str
    label_x: float
    label_y: float
    fill: str
    dark: bool  # dark fill: write the label in white


@dataclass(frozen=True)
class Dot:
    point: Point
    x: float
    y: float


@dataclass(frozen=True)
class LegendStep:
    fill: str
    low: int
    high: int


@dataclass(frozen=True)
class HotspotMap:
    width: float
    height: float
    outline: str
    areas: list[Area]
    dots: list[Dot]
    legend: list[LegendStep]
    unplaced: list[AreaCount]  # kecamatan without coordinates: in the table only


class Projection:
    """Equirectangular, scaled by the cosine of the middle latitude: true enough at this size near the equator."""

    def __init__(self, outline: Sequence[Vertex]) -> None:
        lons = [lon for lon, _ in outline]
        lats = [lat for _, lat in outline]
        self.west, self.north = min(lons), max(lats)
        self.x_scale = math.cos(math.radians((min(lats) + max(lats)) / 2))
        span_x = (max(lons) - self.west) * self.x_scale
        self.k = (WIDTH - 2 * PADDING) / span_x
        self.height = (self.north - min(lats)) * self.k + 2 * PADDING

    def __call__(self, lon: float, lat: float) -> Vertex:
        return (PADDING + (lon - self.west) * self.x_scale * self.k, PADDING + (self.north - lat) * self.k)


def clip(polygon: list[Vertex], site: Vertex, other: Vertex) -> list[Vertex]:
    """The part of `polygon` nearer to `site` than to `other` (Sutherland-Hodgman against their bisector)."""
    (sx, sy), (ox, oy) = site, other
    # Nearer to site: (o - s) · p < (|o|² - |s|²) / 2
    nx, ny, limit = ox - sx, oy - sy, (ox * ox + oy * oy - sx * sx - sy * sy) / 2

    def inside(p: Vertex) -> bool:
        return nx * p[0] + ny * p[1] <= limit

    def crossing(a: Vertex, b: Vertex) -> Vertex:
        da, db = nx * a[0] + ny * a[1] - limit, nx * b[0] + ny * b[1] - limit
        t = da / (da - db)
        return (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))

    result: list[Vertex] = []
    for i, current in enumerate(polygon):
        previous = polygon[i - 1]
        if inside(current):
            if not inside(previous):
                result.append(crossing(previous, current))
            result.append(current)
        elif inside(previous):
            result.append(crossing(previous, current))
    return result


def voronoi_cells(outline: list[Vertex], sites: dict[int, Vertex]) -> dict[int, list[Vertex]]:
    cells = {}
    for key, site in sites.items():
        cell = list(outline)
        for other_key, other in sites.items():
            if other_key != key and other != site and cell:
                cell = clip(cell, site, other)
        cells[key] = cell
    return cells


def svg_path(vertices: Sequence[Vertex]) -> str:
    if not vertices:
        return ""
    head, *rest = vertices
    return f"M{head[0]:.1f},{head[1]:.1f}" + "".join(f"L{x:.1f},{y:.1f}" for x, y in rest) + "Z"


def shade_steps(maximum: int) -> list[LegendStep]:
    """Up to five equal count ranges from 1 to the largest count."""
    if maximum <= 0:
        return []
    steps = min(len(SHADES), maximum)
    bounds = [math.ceil(maximum * (i + 1) / steps) for i in range(steps)]
    legend, low = [], 1
    for i, high in enumerate(bounds):
        shade = SHADES[round(i * (len(SHADES) - 1) / max(steps - 1, 1))]
        legend.append(LegendStep(shade, low, high))
        low = high + 1
    return legend


def fill_for(total: int, legend: list[LegendStep]) -> str:
    for step in legend:
        if total <= step.high:
            return step.fill if total else EMPTY_SHADE
    return EMPTY_SHADE


def build_map(counts: list[AreaCount], points: list[Point]) -> HotspotMap:
    project = Projection(OUTLINE)
    outline = [project(lon, lat) for lon, lat in OUTLINE]
    placed = {
        count.district.pk: count for count in counts
        if count.district.latitude is not None and count.district.longitude is not None
    }
    sites = {pk: project(float(c.district.longitude), float(c.district.latitude)) for pk, c in placed.items()}
    cells = voronoi_cells(outline, sites)
    legend = shade_steps(max((c.total for c in counts), default=0))
    areas = []
    for pk, count in placed.items():
        fill = fill_for(count.total, legend)
        areas.append(Area(count, svg_path(cells[pk]), *sites[pk], fill, fill in SHADES[3:]))
    dots = [Dot(point, *project(float(point.longitude), float(point.latitude))) for point in points]
    return HotspotMap(
        width=WIDTH, height=round(project.height, 1), outline=svg_path(outline), areas=areas,
        dots=[dot for dot in dots if 0 <= dot.x <= WIDTH and 0 <= dot.y <= project.height],
        legend=legend, unplaced=[c for c in counts if c.district.pk not in placed],
    )
