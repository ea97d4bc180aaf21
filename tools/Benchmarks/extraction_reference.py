#!/usr/bin/env python3
"""Helper of the extraction benchmark (ExtractionBenchmark.cs); Debian's python3-torch/torchvision.

  extraction_reference.py setup DIR ARCH N     export ARCH (torchvision, seeded random weights, 224 x 224)
                                                to DIR/ARCH.onnx and draw N procedural 500 x 375 PNGs in DIR/images
  extraction_reference.py images DIR N         only draw the N images (for the built-in resnet18-imagenet, which
                                                needs no export)
  extraction_reference.py torch DIR ARCH N      PyTorch CPU eager on the first N images with the same layers
                                                (every ReLU module call, copied out by forward hooks): loads
                                                the model, prints "ready", then for every line read from stdin
                                                runs one pass and prints its seconds (so that the benchmark can
                                                interleave it with its other variants)
"""
import os
import sys
import time

import numpy as np
import torch
from PIL import Image
from torchvision import transforms as T

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import export_onnx  # noqa: E402


def setup(folder, arch, n):
    model, pre, example = export_onnx.build_model("torchvision", arch, random_weights=True, seed=0)
    export_onnx.export(model, example, os.path.join(folder, arch + ".onnx"), preprocessing=pre)
    images(folder, n)


def images(folder, n):
    os.makedirs(os.path.join(folder, "images"), exist_ok=True)
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:375, 0:500]
    for i in range(n):
        img = np.stack([128 + 100 * np.sin(x / (20 + i) + c) * np.cos(y / (15 + 2 * c)) for c in range(3)], -1)
        img += rng.normal(0, 20, img.shape)
        Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).save(os.path.join(folder, "images", f"img{i:04d}.png"))


def eager(folder, arch, n):
    torch.set_num_threads(os.cpu_count())
    model, pre, _ = export_onnx.build_model("torchvision", arch, random_weights=True, seed=0)
    transform = T.Compose([T.Resize(pre["resize"]), T.CenterCrop(pre["crop"]), T.ToTensor(), T.Normalize(pre["mean"], pre["std"])])
    captured = []
    for m in model.modules():
        if isinstance(m, torch.nn.ReLU):
            m.register_forward_hook(lambda mod, i, o: captured.append(o.numpy().copy()))
    files = sorted(f for f in os.listdir(os.path.join(folder, "images")) if f.endswith(".png"))[:n]
    print("ready", flush=True)
    with torch.no_grad():
        for _ in sys.stdin:
            start = time.perf_counter()
            for f in files:
                captured.clear()
                x = transform(Image.open(os.path.join(folder, "images", f)).convert("RGB")).unsqueeze(0)
                model(x)
            print(time.perf_counter() - start, flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "setup":
        setup(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif sys.argv[1] == "images":
        images(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1] == "torch":
        eager(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        raise SystemExit(__doc__)
