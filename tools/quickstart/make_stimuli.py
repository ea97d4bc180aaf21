#!/usr/bin/env python3
"""Draws the quick-start stimulus set deterministically (seeded) and writes examples/quickstart/stimuli/.

Six categories of eight 128x128 RGB images, chosen so that a trained network separates them
while low-level statistics partly cut across them:
  faces            cartoon faces (head, eyes, mouth) in varied colours, sizes and positions
  bodies           stick-figure bodies in varied poses, no face details
  words            real English words rendered in DejaVu Sans Bold
  scrambled-words  the same word images cut into 16x16 tiles and shuffled (same pixels, no letters)
  scenes           simple outdoor scenes: sky gradient, ground, sun, trees or houses
  scrambled-scenes the same scene images, tile-shuffled
Each image has two captions (for the semantic target), written to stimuli.csv (captions separated
by '|').

A distractor pool for the quick-start's distractor run is drawn from the same generators with its own
seed (so the stimuli above do not change): four images per category in examples/quickstart/pool/, listed in
pool.csv with their captions. Caption embeddings for targets and pool are written to
examples/quickstart/distractors/embeddings.npy (float32, one row per image) and ids.txt: bag-of-words
vectors of each caption's content words (stop words dropped, each caption's vector L2-normalised), the mean
over an image's captions -- a stand-in that needs no model, for a demonstration only (a real study embeds
its captions with a sentence encoder, e.g. `replens semantics`).

Run with Debian's python3-pil: /usr/bin/python3 tools/quickstart/make_stimuli.py
The images are committed; rerunning the script reproduces them byte for byte.
"""
import csv
import math
import os
import random
import re

import numpy as np

from PIL import Image, ImageDraw, ImageFont

SIZE = 128
PER_CATEGORY = 8
POOL_PER_CATEGORY = 4
SEED = 20251125
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "quickstart")
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

WORDS = ["table", "river", "house", "apple", "chair", "cloud", "green", "tiger"]
COLOURS = {
    "red": (200, 40, 40), "blue": (40, 70, 200), "green": (40, 150, 60), "orange": (230, 130, 30),
    "purple": (130, 60, 170), "brown": (130, 85, 50), "pink": (230, 120, 160), "teal": (30, 140, 140),
}


def article(word):
    return "an" if word[0] in "aeiou" else "a"


def background(rng):
    g = rng.randint(215, 245)
    return (g, g, g)


def face(rng, i):
    img = Image.new("RGB", (SIZE, SIZE), background(rng))
    d = ImageDraw.Draw(img)
    name, skin = list(COLOURS.items())[i % len(COLOURS)]
    r = rng.randint(34, 50)
    cx, cy = SIZE // 2 + rng.randint(-10, 10), SIZE // 2 + rng.randint(-8, 8)
    d.ellipse([cx - r, cy - int(r * 1.15), cx + r, cy + int(r * 1.15)], fill=skin, outline=(30, 30, 30), width=2)
    ex, ey = int(r * 0.4), int(r * 0.3)
    for sx in (-1, 1):
        d.ellipse([cx + sx * ex - 6, cy - ey - 5, cx + sx * ex + 6, cy - ey + 5], fill=(255, 255, 255), outline=(0, 0, 0))
        d.ellipse([cx + sx * ex - 2, cy - ey - 2, cx + sx * ex + 2, cy - ey + 2], fill=(0, 0, 0))
    d.line([cx, cy - 4, cx - 3, cy + 8, cx + 3, cy + 8], fill=(40, 40, 40), width=2)
    smile = rng.random() < 0.5
    box = [cx - int(r * 0.5), cy + int(r * 0.25), cx + int(r * 0.5), cy + int(r * 0.75)]
    d.arc(box, 20 if smile else 200, 160 if smile else 340, fill=(60, 0, 0), width=3)
    mood = "smiling" if smile else "frowning"
    return img, [f"a cartoon drawing of a {mood} face", f"{article(name)} {name} face with two eyes, a nose and a mouth"]


def body(rng, i):
    img = Image.new("RGB", (SIZE, SIZE), background(rng))
    d = ImageDraw.Draw(img)
    name, colour = list(COLOURS.items())[(i + 3) % len(COLOURS)]
    cx, top = SIZE // 2 + rng.randint(-12, 12), 22 + rng.randint(-6, 6)
    d.ellipse([cx - 9, top, cx + 9, top + 18], fill=colour)
    hip = top + 62
    d.line([cx, top + 18, cx, hip], fill=colour, width=6)
    a1, a2 = rng.uniform(-1.2, 1.2), rng.uniform(-1.2, 1.2)
    for a, s in ((a1, -1), (a2, 1)):
        d.line([cx, top + 28, cx + s * int(30 * math.cos(a)), top + 28 + int(30 * math.sin(a))], fill=colour, width=5)
    l1, l2 = rng.uniform(0.2, 0.7), rng.uniform(0.2, 0.7)
    for a, s in ((l1, -1), (l2, 1)):
        d.line([cx, hip, cx + s * int(34 * math.sin(a)), hip + int(34 * math.cos(a))], fill=colour, width=6)
    pose = "raising an arm" if min(a1, a2) < -0.5 else "standing"
    return img, [f"{article(name)} {name} stick figure of a person {pose}", "a simple drawing of a human body with arms and legs"]


def word(rng, i):
    img = Image.new("RGB", (SIZE, SIZE), (250, 250, 250))
    d = ImageDraw.Draw(img)
    text = WORDS[i % len(WORDS)]
    font = ImageFont.truetype(FONT, 26)
    w, h = d.textbbox((0, 0), text, font=font)[2:]
    d.text(((SIZE - w) // 2 + rng.randint(-6, 6), (SIZE - h) // 2 + rng.randint(-10, 10)), text, fill=(10, 10, 10), font=font)
    return img, [f"the word '{text}' printed in black letters", "black text on a white background"]


def scene(rng, i):
    img = Image.new("RGB", (SIZE, SIZE))
    d = ImageDraw.Draw(img)
    horizon = rng.randint(70, 90)
    top, bottom = (70 + rng.randint(0, 40), 130 + rng.randint(0, 40), 230), (190, 220, 250)
    for y in range(horizon):
        t = y / horizon
        d.line([0, y, SIZE, y], fill=tuple(int(top[k] * (1 - t) + bottom[k] * t) for k in range(3)))
    ground = (60 + rng.randint(0, 40), 140 + rng.randint(0, 40), 50)
    d.rectangle([0, horizon, SIZE, SIZE], fill=ground)
    sx = rng.randint(15, 110)
    d.ellipse([sx - 10, 12, sx + 10, 32], fill=(250, 220, 60))
    houses = i % 2 == 0
    for k in range(rng.randint(2, 3)):
        x = 15 + k * 40 + rng.randint(-5, 5)
        if houses:
            d.rectangle([x, horizon - 22, x + 24, horizon + 4], fill=(180, 70, 50))
            d.polygon([(x - 3, horizon - 22), (x + 12, horizon - 36), (x + 27, horizon - 22)], fill=(90, 40, 30))
        else:
            d.rectangle([x + 9, horizon - 14, x + 15, horizon + 6], fill=(100, 60, 30))
            d.ellipse([x, horizon - 40, x + 24, horizon - 10], fill=(30, 110, 40))
    what = "houses" if houses else "trees"
    return img, [f"a simple outdoor scene with {what}, a sun and green grass", f"a landscape with a blue sky and {what}"]


def scramble(img, rng, tile=16):
    tiles = [img.crop((x, y, x + tile, y + tile)) for y in range(0, SIZE, tile) for x in range(0, SIZE, tile)]
    rng.shuffle(tiles)
    out = Image.new("RGB", (SIZE, SIZE))
    for k, t in enumerate(tiles):
        out.paste(t, ((k % (SIZE // tile)) * tile, (k // (SIZE // tile)) * tile))
    return out


def draw_set(rng, count, first, prefix=""):
    rows = []
    for category, draw in (("faces", face), ("bodies", body), ("words", word), ("scenes", scene)):
        for i in range(first, first + count):
            img, captions = draw(rng, i)
            rows.append((f"{prefix}{category}-{i:02d}", category, img, captions))
            if category in ("words", "scenes"):
                scr = scramble(img, rng)
                rows.append((f"{prefix}scrambled-{category}-{i:02d}", f"scrambled-{category}", scr,
                             [f"a scrambled patchwork of {'letter fragments' if category == 'words' else 'scene fragments'}",
                              "small square tiles shuffled into a meaningless pattern"]))
    rows.sort(key=lambda r: (r[1], r[0]))
    return rows


def write_set(rows, folder, table):
    os.makedirs(os.path.join(ROOT, folder), exist_ok=True)
    with open(os.path.join(ROOT, table), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "path", "category", "captions"])
        for sid, category, img, captions in rows:
            name = f"{folder}/{sid}.png"
            img.save(os.path.join(ROOT, name), optimize=True)
            w.writerow([sid, name, category, " | ".join(captions)])


STOP = {"a", "an", "the", "of", "with", "and", "on", "in", "into", "two", "printed"}


def embed(rows):
    """Bag-of-words caption embeddings: per caption the L2-normalised counts of its content words, mean over captions."""
    tokens = {sid: [[t for t in re.findall(r"[a-z]+", c.lower()) if t not in STOP] for c in captions] for sid, _, _, captions in rows}
    vocab = sorted({t for caps in tokens.values() for cap in caps for t in cap})
    index = {t: k for k, t in enumerate(vocab)}
    out = np.zeros((len(rows), len(vocab)), dtype=np.float64)
    for r, (sid, _, _, _) in enumerate(rows):
        for cap in tokens[sid]:
            v = np.zeros(len(vocab))
            for t in cap:
                v[index[t]] += 1
            out[r] += v / np.linalg.norm(v)
        out[r] /= len(tokens[sid])
    return out.astype(np.float32)


def main():
    rng = random.Random(SEED)
    rows = draw_set(rng, PER_CATEGORY, 0)
    write_set(rows, "stimuli", "stimuli.csv")
    print(f"wrote {len(rows)} images to {os.path.join(ROOT, 'stimuli')}")

    pool = draw_set(random.Random(SEED + 1), POOL_PER_CATEGORY, PER_CATEGORY, prefix="pool-")
    write_set(pool, "pool", "pool.csv")
    print(f"wrote {len(pool)} pool images to {os.path.join(ROOT, 'pool')}")

    out = os.path.join(ROOT, "distractors")
    os.makedirs(out, exist_ok=True)
    both = rows + pool
    np.save(os.path.join(out, "embeddings.npy"), embed(both))
    with open(os.path.join(out, "ids.txt"), "w", encoding="utf-8") as f:
        f.write("".join(sid + "\n" for sid, _, _, _ in both))
    print(f"wrote {len(both)} caption embeddings to {out}")


if __name__ == "__main__":
    main()
