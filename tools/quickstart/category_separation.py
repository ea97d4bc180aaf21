#!/usr/bin/env python3
"""Prints, for every layer RDM of a quick-start run, how far apart pairs of categories are: the mean
distance between two categories divided by the mean of their within-category distances (1 = not
separated). The pairs are the ones the stimuli were drawn for: words vs scrambled words and scenes vs
scrambled scenes (same pixels, shuffled 16-pixel tiles) and faces vs bodies.

    /usr/bin/python3 tools/quickstart/category_separation.py runs/quickstart resnet18
    /usr/bin/python3 tools/quickstart/category_separation.py runs/quickstart-tiny tiny-cnn

Reads RUN/stimuli.csv (row order and categories), RUN/tables/target_rsa.csv (layer order) and
RUN/rdms/MODEL/<layer>.npy (square RDMs). Needs numpy.
"""
import csv
import os
import sys

import numpy as np

PAIRS = [("words", "scrambled-words"), ("scenes", "scrambled-scenes"), ("faces", "bodies")]


def within(d, mask):
    block = d[np.ix_(mask, mask)]
    return block[~np.eye(mask.sum(), dtype=bool)].mean()


def main(run, model):
    with open(os.path.join(run, "stimuli.csv"), newline="", encoding="utf-8") as f:
        categories = np.array([row["category"] for row in csv.DictReader(f)])
    with open(os.path.join(run, "tables", "target_rsa.csv"), newline="", encoding="utf-8") as f:
        layers = list(dict.fromkeys(row["layer"] for row in csv.DictReader(f) if row["model"] == model))
    print("layer".ljust(20) + "".join(f"{a} / {b}".rjust(28) for a, b in PAIRS))
    for layer in layers:
        d = np.load(os.path.join(run, "rdms", model, layer + ".npy"))
        ratios = []
        for a, b in PAIRS:
            ma, mb = categories == a, categories == b
            ratios.append(d[np.ix_(ma, mb)].mean() / ((within(d, ma) + within(d, mb)) / 2))
        print(layer.ljust(20) + "".join(f"{r:28.2f}" for r in ratios))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
