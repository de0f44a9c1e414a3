"""Wexmoor: a fictional London borough's gazetteer for the demo and for tests.

Every name, code and number here is invented: ward codes WXM01–WXM08, USRNs from
99000000, UPRNs from 990000000000 and postcodes in the outward codes WX1–WX9, which
no real address uses. The same seed always gives the same borough, and the rows go
through the real importer, so the demo exercises it.
"""

import math
import random

from townhall.gazetteer.models import AreaKind
from townhall.gazetteer.services import import_gazetteer, save_area

TOWN = "Wexmoor"
WARDS = (
    ("WXM01", "Ashby Green"),
    ("WXM02", "Brindle Heath"),
    ("WXM03", "Cresswick"),
    ("WXM04", "Dunmere Park"),
    ("WXM05", "Elvercombe"),
    ("WXM06", "Fennick Hill"),
    ("WXM07", "Quenby Fields"),
    ("WXM08", "Wexmoor Town"),
)
WARD_COLUMNS, WARD_ROWS = 4, 2  # wards tile the borough's box in a 4 × 2 grid
OUTWARD_COLUMNS, OUTWARD_ROWS = 3, 3  # WX1–WX9 in a 3 × 3 grid, crossing ward lines as real ones do
STEMS = (
    "Alder", "Ashdown", "Aspen", "Beckett", "Bluebell", "Bramble", "Burdock", "Campion", "Chaffinch", "Chandos",
    "Cobnut", "Damson", "Dellow", "Dogwood", "Dunnock", "Elder", "Ember", "Eyebright", "Fennel", "Fernhill",
    "Fieldfare", "Foxglove", "Gannet", "Goldcrest", "Gorse", "Greenfinch", "Hawthorn", "Hazel", "Heron", "Hornbeam",
    "Inkwell", "Iris", "Ironwood", "Jasmine", "Jay", "Juniper", "Kestrel", "Kingfisher", "Kite", "Lapwing",
    "Larkspur", "Linnet", "Lupin", "Mallow", "Marram", "Meadow", "Medlar", "Nettle", "Nightjar", "Nuthatch",
    "Orchard", "Oriel", "Osprey", "Partridge", "Pipit", "Plover", "Primrose", "Quarry", "Quince", "Ragwort",
    "Redstart", "Rowan", "Saffron", "Siskin", "Sorrel", "Starling", "Tansy", "Teasel", "Tern", "Thrift",
    "Umber", "Upland", "Vervain", "Vetch", "Wagtail", "Willow", "Wren", "Yarrow", "Yew", "Zephyr",
)  # fmt: skip
STREET_KINDS = (
    "Road", "Street", "Avenue", "Lane", "Close", "Gardens", "Grove", "Crescent",
    "Way", "Terrace", "Place", "Rise", "Mews", "Drive", "Walk", "Row",
)  # fmt: skip
BLOCK_KINDS = ("Court", "House", "Lodge", "Mansions", "Point")
# What lines each street, with how often: mostly houses, some estates of flats, a few parades of shops.
STREET_PROFILES = {"terraced": 40, "semi-detached": 28, "detached": 10, "flats": 14, "parade": 8}
HOUSE_CLASSES = {"terraced": "RD04", "semi-detached": "RD03", "detached": "RD02"}
FLAT, SHOP, OFFICE = "RD06", "CR08", "CO01"
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters Royal Mail uses in inward codes

SOUTH, NORTH, WEST, EAST = 51.40, 51.44, -0.22, -0.16
STEP = 0.00009  # degrees of latitude between neighbouring houses, about 10 m
LONGITUDE_STRETCH = 1 / math.cos(math.radians((SOUTH + NORTH) / 2))  # a degree of longitude is shorter
PROPERTIES_PER_STREET = 35
UPRN_BASE, USRN_BASE = 990_000_000_000, 99_000_000

# The borough's boundary runs a few hundred metres beyond its properties' box, never into
# it, with the bends of a real one. Each side is a chain of [longitude, latitude] positions.
SOUTH_SIDE = [[-0.222, 51.396], [-0.205, 51.394], [-0.185, 51.396], [-0.158, 51.396]]
EAST_SIDE = [[-0.158, 51.396], [-0.154, 51.412], [-0.156, 51.430], [-0.159, 51.444]]
NORTH_SIDE = [[-0.159, 51.444], [-0.180, 51.446], [-0.200, 51.444], [-0.221, 51.445]]
WEST_SIDE = [[-0.221, 51.445], [-0.226, 51.425], [-0.224, 51.410], [-0.222, 51.396]]
# Three fictional neighbours share its north, east and south sides; to the west lies
# somewhere the demo does not name, so a point there gets the general advice.
NEIGHBOURS = (
    (
        "Brackenfield Borough Council",
        "https://www.brackenfield.example/report-a-problem",
        [*NORTH_SIDE, [-0.245, 51.470], [-0.135, 51.470]],
    ),
    (
        "Oakhurst District Council",
        "https://www.oakhurst.example/street-problems",
        [*EAST_SIDE, [-0.135, 51.470], [-0.110, 51.470], [-0.110, 51.370], [-0.140, 51.370]],
    ),
    (
        "Sallowmere Council",
        "https://www.sallowmere.example/report",
        [*SOUTH_SIDE, [-0.140, 51.370], [-0.245, 51.370]],
    ),
)


def build_demo_gazetteer(*, properties: int = 5200, seed: int = 2026) -> None:
    """Import the Wexmoor gazetteer; safe to run again (the second run changes nothing)."""
    report = import_gazetteer(rows=demo_rows(properties=properties, seed=seed))
    if report.rejections:
        raise RuntimeError(f"The demo gazetteer has bad rows, starting {report.rejections[0]}")
    build_demo_boundaries()


def build_demo_boundaries() -> None:
    """Wexmoor's boundary and its neighbours'; safe to run again (they are replaced)."""
    outline = SOUTH_SIDE + EAST_SIDE[1:] + NORTH_SIDE[1:] + WEST_SIDE[1:]
    save_area(kind=AreaKind.BOROUGH, name=TOWN, boundary=[outline])
    for name, website, ring in NEIGHBOURS:
        save_area(kind=AreaKind.NEIGHBOUR, name=name, website=website, boundary=[[*ring, ring[0]]])


def demo_rows(*, properties: int = 5200, seed: int = 2026) -> list[dict[str, str]]:
    """The rows of a gazetteer CSV (see `services.COLUMNS`) for Wexmoor: `properties` addresses, about 35 a street."""
    if properties < 1:
        raise ValueError("A borough needs at least one property.")
    rng = random.Random(seed)  # noqa: S311 - repeatable demo data, not secrets
    names = [f"{stem} {kind}" for stem in STEMS for kind in STREET_KINDS]
    rng.shuffle(names)
    street_count = min(len(names), max(1, round(properties / PROPERTIES_PER_STREET)))
    # Every street gets one property, the rest fall to streets in proportion to random lengths.
    lengths = [1] * street_count
    weights = [rng.uniform(0.4, 1.6) for _ in range(street_count)]
    for index in rng.choices(range(street_count), weights=weights, k=properties - street_count):
        lengths[index] += 1
    inward_codes = {}
    for outward in range(1, OUTWARD_COLUMNS * OUTWARD_ROWS + 1):
        codes = [f"{digit}{a}{b}" for digit in range(10) for a in INWARD_LETTERS for b in INWARD_LETTERS]
        rng.shuffle(codes)
        inward_codes[f"WX{outward}"] = codes

    rows = []
    uprn, usrn = UPRN_BASE, USRN_BASE
    for name, length in zip(names[:street_count], lengths, strict=True):
        usrn += rng.randint(1, 9)
        lat, lon = rng.uniform(SOUTH + 0.002, NORTH - 0.002), rng.uniform(WEST + 0.003, EAST - 0.003)
        ward_code, ward_name = WARDS[_cell(lat, lon, WARD_COLUMNS, WARD_ROWS)]
        outward = f"WX{_cell(lat, lon, OUTWARD_COLUMNS, OUTWARD_ROWS) + 1}"
        bearing = rng.uniform(0, math.pi)
        street = {"usrn": str(usrn), "street_name": name, "locality": ward_name, "town": TOWN}
        ward = {"ward_code": ward_code, "ward_name": ward_name}
        addresses = _addresses(rng, rng.choices(list(STREET_PROFILES), weights=STREET_PROFILES.values())[0], length)
        postcodes = _postcodes(rng, len(addresses), outward, inward_codes[outward])
        for (number, address), postcode in zip(addresses, postcodes, strict=True):
            uprn += rng.randint(1, 3)
            # Odd numbers on one side, even on the other, facing each other along the street.
            along, side = (number - 1) // 2 * STEP, (STEP / 2 if number % 2 else -STEP / 2)
            place_lat = lat + along * math.cos(bearing) - side * math.sin(bearing)
            place_lon = lon + (along * math.sin(bearing) + side * math.cos(bearing)) * LONGITUDE_STRETCH
            rows.append(
                {
                    "uprn": str(uprn),
                    **street,
                    **address,
                    "postcode": postcode,
                    **ward,
                    "latitude": f"{min(max(place_lat, SOUTH), NORTH):.6f}",
                    "longitude": f"{min(max(place_lon, WEST), EAST):.6f}",
                }
            )
    return rows


def _cell(lat: float, lon: float, columns: int, rows: int) -> int:
    column = min(int((lon - WEST) / (EAST - WEST) * columns), columns - 1)
    row = min(int((lat - SOUTH) / (NORTH - SOUTH) * rows), rows - 1)
    return row * columns + column


def _addresses(rng: random.Random, profile: str, length: int) -> list[tuple[int, dict[str, str]]]:
    """`length` addresses along one street in the manner of its profile, each with its plot's number."""
    addresses: list[tuple[int, dict[str, str]]] = []

    def add(
        number: int, classification: str, sub_building: str = "", building_name: str = "", suffix: str = ""
    ) -> None:
        address = {
            "sub_building": sub_building,
            "building_name": building_name,
            "building_number": f"{number}{suffix}",
            "classification": classification,
        }
        addresses.append((number, address))

    number = 0
    while len(addresses) < length:
        number += 1
        if profile == "flats":
            block = f"{rng.choice(STEMS)} {rng.choice(BLOCK_KINDS)}"
            for flat in range(1, rng.randint(6, 24) + 1):
                add(number, FLAT, sub_building=f"Flat {flat}", building_name=block)
        elif profile == "parade":
            roll = rng.random()
            if roll < 0.2:
                add(number, OFFICE, building_name=f"{rng.choice(STEMS)} House")
            else:
                add(number, SHOP)
                if roll > 0.75:  # a flat over the shop
                    add(number, FLAT, sub_building="Flat 1")
        elif rng.random() < 0.05:  # a house converted into flats
            for flat in range(1, rng.randint(2, 4) + 1):
                add(number, FLAT, sub_building=f"Flat {flat}")
        else:
            named = profile == "detached" and rng.random() < 0.3
            add(number, HOUSE_CLASSES[profile], building_name=f"{rng.choice(STEMS)} Cottage" if named else "")
            if rng.random() < 0.02:  # a house built later in a garden
                add(number, HOUSE_CLASSES[profile], suffix="A")
    return addresses[:length]


def _postcodes(rng: random.Random, count: int, outward: str, inward_codes: list[str]) -> list[str]:
    """Postcodes for `count` neighbouring addresses: runs of 10 to 30 (fewer only on a short street)."""
    runs = rng.randint(math.ceil(count / 30), count // 10) if count >= 10 else 1
    postcodes = []
    for run in range(runs):
        postcode = f"{outward} {inward_codes.pop()}"
        # Split as evenly as possible: every run is within one of count / runs, so within 10 to 30.
        postcodes += [postcode] * (count // runs + (run < count % runs))
    return postcodes
