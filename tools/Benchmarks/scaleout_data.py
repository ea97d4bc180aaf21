#!/usr/bin/env python3
"""Synthetic data for the scale-out benchmark (tools/Benchmarks/ScaleOutBenchmark.cs): a plain CNN with
LAYERS conv+ReLU blocks (4 channels at 16x16 after a stride-4 stem: 1,024 features per ReLU) exported
to ONNX with module names kept, and IMAGES seeded 64x64 PNGs in 4 categories (noise around a
category colour), with stimuli.csv. Nothing is committed; the benchmark writes it to a temporary folder.

Usage: /usr/bin/python3 tools/Benchmarks/scaleout_data.py FOLDER [LAYERS=50] [IMAGES=1000]
"""
import os
import sys

import numpy as np
import torch
from PIL import Image

folder = sys.argv[1]
layers = int(sys.argv[2]) if len(sys.argv) > 2 else 50
images = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
os.makedirs(os.path.join(folder, "images"), exist_ok=True)
torch.manual_seed(0)


class Block(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = torch.nn.Conv2d(c, c, 3, padding=1)
        self.relu = torch.nn.ReLU()

    def forward(self, x):
        return self.relu(self.conv(x))


class Net(torch.nn.Module):
    def __init__(self, n, c=4):
        super().__init__()
        self.stem = torch.nn.Conv2d(3, c, 4, stride=4)
        self.blocks = torch.nn.Sequential(*[Block(c) for _ in range(n)])

    def forward(self, x):
        return self.blocks(self.stem(x)).mean((2, 3))


net = Net(layers).eval()
with torch.no_grad():
    for b in net.blocks:
        b.conv.weight.mul_(1.5)  # keep activations alive through depth
torch.onnx.export(net, torch.randn(1, 3, 64, 64), os.path.join(folder, "model.onnx"), opset_version=13,
                  input_names=["input"], output_names=["output"])

rng = np.random.default_rng(0)
colours = [(200, 60, 60), (60, 200, 60), (60, 60, 200), (180, 180, 60)]
with open(os.path.join(folder, "stimuli.csv"), "w") as f:
    f.write("id,path,category\n")
    for i in range(images):
        k = i % len(colours)
        pixels = np.clip(rng.normal(colours[k], 50, (64, 64, 3)), 0, 255).astype(np.uint8)
        name = f"img{i:05d}.png"
        Image.fromarray(pixels).save(os.path.join(folder, "images", name))
        f.write(f"img{i:05d},images/{name},c{k}\n")
print(f"{layers} layers, {images} images -> {folder}")
