#!/usr/bin/env python3
"""Helper of the receptive-field benchmark (ReceptiveFieldBenchmark.cs); Debian's python3-torch/torchvision.

  receptive_fields_reference.py setup DIR          export torchvision VGG-19's convolutional part (features.0 ...
                                                   features.36 = pool5; seeded random weights, 224 x 224 input)
                                                   to DIR/vgg19_features.onnx
  receptive_fields_reference.py torch UNITS BATCH  PyTorch CPU eager back-projection of the first UNITS channels of
                                                   pool5 at the centre (c = 1, biases left out) with the same rules
                                                   (conv_transpose2d, repetition upsampling, ReLU), BATCH units at a
                                                   time; prints the seconds (after one warm-up batch)
"""
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import export_onnx  # noqa: E402


class Features(nn.Module):
    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.features = torchvision.models.vgg19().features

    def forward(self, x):
        return self.features(x)


def setup(folder):
    os.makedirs(folder, exist_ok=True)
    model = Features().eval()
    export_onnx.export(model, torch.randn(1, 3, 224, 224), os.path.join(folder, "vgg19_features.onnx"),
                       preprocessing=export_onnx.imagenet_preprocessing(crop=224))


def back(features, maps):
    shapes = []
    x = torch.zeros(1, 3, 224, 224)
    with torch.no_grad():
        for m in features:
            shapes.append(tuple(x.shape[2:]))
            x = m(x)
        g = maps
        for idx in range(len(features) - 1, -1, -1):
            m = features[idx]
            if isinstance(m, nn.Conv2d):
                full = F.conv_transpose2d(g, m.weight, stride=m.stride, dilation=m.dilation, groups=m.groups)
                p = m.padding
                h, w = shapes[idx]
                g = full[:, :, p[0]:p[0] + h, p[1]:p[1] + w]
            elif isinstance(m, nn.ReLU):
                g = F.relu(g)
            else:  # MaxPool2d(2, 2): repetition
                g = g.repeat_interleave(2, dim=2).repeat_interleave(2, dim=3)
    return g


def eager(units, batch):
    torch.set_num_threads(os.cpu_count())
    features = Features().eval().features

    def run(first, count):
        maps = torch.zeros(count, 512, 7, 7)
        for i in range(count):
            maps[i, first + i, 3, 3] = 1.0
        return back(features, maps)

    run(0, batch)
    start = time.perf_counter()
    for first in range(0, units, batch):
        run(first, min(batch, units - first))
    print(time.perf_counter() - start)


if __name__ == "__main__":
    if sys.argv[1] == "setup":
        setup(sys.argv[2])
    else:
        eager(int(sys.argv[2]), int(sys.argv[3]))
