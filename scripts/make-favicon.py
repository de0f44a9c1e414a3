"""Draws Townhall's favicon: a plain civic building (pediment, four columns, steps) in
white on near-black, with no crown or arms, so it suits any council. One drawing makes
the SVG for browsers that take one and the ICO and PNG fallbacks for those that do not.

    .venv/bin/python scripts/make-favicon.py   # rewrites townhall/core/static/townhall/icons/
"""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "townhall/core/static/townhall/icons"
GRID = 32  # the drawing's units: one pixel of the 32 px icon
INK, PAPER = "#0b0c0c", "#ffffff"
CORNER = 6
# (kind, points or box) in GRID units, drawn in PAPER on an INK rounded square.
SHAPES = [
    ("polygon", [(16, 4), (28, 11), (4, 11)]),  # pediment
    ("rect", (5, 11, 22, 2)),  # entablature
    *[("rect", (x, 13, 3, 10)) for x in (7, 12, 17, 22)],  # columns
    ("rect", (5, 23, 22, 2)),  # upper step
    ("rect", (3, 25, 26, 3)),  # lower step
]


def svg() -> str:
    parts = [f'<rect width="{GRID}" height="{GRID}" rx="{CORNER}" fill="{INK}"/>']
    for kind, shape in SHAPES:
        if kind == "polygon":
            points = " ".join(f"{x},{y}" for x, y in shape)
            parts.append(f'<polygon points="{points}"/>')
        else:
            x, y, width, height = shape
            parts.append(f'<rect x="{x}" y="{y}" width="{width}" height="{height}"/>')
    body = "\n  ".join(parts)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {GRID} {GRID}" fill="{PAPER}">\n'
        f"  <title>Townhall</title>\n  {body}\n</svg>\n"
    )


def bitmap(size: int, *, rounded: bool = True) -> Image.Image:
    """The drawing at `size` pixels square: drawn large, then scaled down smoothly."""
    scale = 32
    big = GRID * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if rounded:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=CORNER * scale, fill=INK)
    else:  # Apple's home screen icons are square; the phone rounds them itself
        draw.rectangle((0, 0, big - 1, big - 1), fill=INK)
    for kind, shape in SHAPES:
        if kind == "polygon":
            draw.polygon([(x * scale, y * scale) for x, y in shape], fill=PAPER)
        else:
            x, y, width, height = shape
            draw.rectangle((x * scale, y * scale, (x + width) * scale - 1, (y + height) * scale - 1), fill=PAPER)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "icon.svg").write_text(svg())
    # Each size drawn for itself, not scaled from the largest.
    bitmap(48).save(OUT / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)], append_images=[bitmap(32), bitmap(16)])
    bitmap(180, rounded=False).save(OUT / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()
