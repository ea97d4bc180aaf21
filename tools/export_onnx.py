#!/usr/bin/env python3
"""Export a PyTorch vision network to ONNX for RepLens, with its module names kept.

RUN THIS WHERE YOUR WEIGHTS ARE. RepLens itself never downloads weights: it reads the ONNX file
this script writes. The script loads weights from a file you give (--weights), or lets the model
library resolve a named pretrained set on your machine (--pretrained: torchvision, timm and
open_clip may download into their own caches when you ask for that), or uses seeded random
weights (--random-weights, for tests and the quick-start).

What it writes
  * an ONNX file (opset 17 by default) whose node names carry the PyTorch module paths
    (/layer1/layer1.0/relu/Relu), which RepLens turns back into layer names (layer1.0.relu);
  * a dynamic batch dimension (RepLens fixes it to 1 when it reads the model);
  * BatchNorm kept as its own layer by default (exported with training=PRESERVE and no constant
    folding, the model in eval mode), so that every module of the network is a layer. With
    --fold-batchnorm PyTorch folds each BatchNorm into the convolution before it (its default);
    the folds are recorded in the metadata key replens.folded_batchnorm so that RepLens names the
    fused output after the BatchNorm whose output it is;
  * metadata replens.preprocessing: the resize, crop, interpolation, mean and std the weights
    expect (from torchvision's weight transforms, timm's data config, or CLIP's preprocessing),
    which RepLens uses unless the config overrides them;
  * with --fp16, a float16 copy of the graph (RepLens runs it and returns float32 values).

Sources and towers
  --source torchvision --arch resnet50            torchvision.models.<arch>
  --source timm --arch vit_base_patch16_224       timm.create_model(<arch>)
  --source open_clip --arch ViT-B-32              open_clip.create_model_and_transforms(<arch>)
  --source clip --arch ViT-B/32                   OpenAI CLIP: clip.load(<arch>, jit=False)
  For CLIP models, --tower image (default) exports model.visual (the image encoder used as a
  model family in RepLens); --tower text exports the text encoder (token ids [N, 77] → embedding).

Examples
  python3 tools/export_onnx.py --source torchvision --arch resnet50 --weights resnet50.pth --out resnet50.onnx
  python3 tools/export_onnx.py --source torchvision --arch resnet18 --random-weights --out r18.onnx
  python3 tools/export_onnx.py --source open_clip --arch ViT-B-32 --pretrained laion2b_s34b_b79k --out clip_b32.onnx

Checked with torch 1.13 / torchvision 0.14 / onnx 1.12 (Debian 12); newer versions work the same.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from collections import OrderedDict

import numpy as np
import torch

IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]
CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]


def imagenet_preprocessing(crop=224, resize=None, interpolation="bilinear", mean=None, std=None):
    """The preprocessing record written to the model's metadata (RepLens's option names)."""
    return {
        "resize": int(resize if resize is not None else math.floor(crop * 256 / 224)),
        "crop": [int(crop), int(crop)],
        "interpolation": interpolation,
        "mean": list(mean or IMAGENET_MEAN),
        "std": list(std or IMAGENET_STD),
    }


def clip_preprocessing(size):
    return {"resize": int(size), "crop": [int(size), int(size)], "interpolation": "bicubic",
            "mean": CLIP_MEAN, "std": CLIP_STD}


# ----------------------------------------------------------------------------------------------
# Loading models
# ----------------------------------------------------------------------------------------------

def load_state_dict(path):
    if path.endswith(".safetensors"):
        from safetensors.torch import load_file  # only needed for .safetensors weights
        return load_file(path)
    state = torch.load(path, map_location="cpu")
    if isinstance(state, torch.nn.Module):
        return state.state_dict()
    for key in ("state_dict", "model", "model_state_dict"):
        if isinstance(state, dict) and key in state and isinstance(state[key], dict):
            state = state[key]
    return {k[len("module."):] if k.startswith("module.") else k: v for k, v in state.items()}


def build_torchvision(arch, weights, pretrained, image_size):
    import torchvision
    preprocessing = imagenet_preprocessing(crop=image_size or 224)
    if pretrained:
        weight_enum = torchvision.models.get_model_weights(arch)
        w = weight_enum[pretrained] if pretrained != "DEFAULT" else weight_enum.DEFAULT
        model = torchvision.models.get_model(arch, weights=w)
        t = w.transforms()
        preprocessing = imagenet_preprocessing(crop=t.crop_size[0], resize=t.resize_size[0],
                                               interpolation=t.interpolation.value, mean=t.mean, std=t.std)
    else:
        model = torchvision.models.get_model(arch, weights=None)
        if weights:
            model.load_state_dict(load_state_dict(weights))
    size = preprocessing["crop"][0]
    return model, preprocessing, torch.randn(1, 3, size, size)


def build_timm(arch, weights, pretrained, image_size):
    import timm
    model = timm.create_model(arch, pretrained=bool(pretrained),
                              **({"pretrained_cfg_overlay": {"tag": pretrained}} if pretrained not in (None, "", "DEFAULT") else {}))
    if weights:
        model.load_state_dict(load_state_dict(weights))
    cfg = timm.data.resolve_data_config({}, model=model)
    size = image_size or cfg["input_size"][-1]
    crop_pct = cfg.get("crop_pct", 0.875) or 1.0
    preprocessing = imagenet_preprocessing(crop=size, resize=math.floor(size / crop_pct),
                                           interpolation=cfg.get("interpolation", "bicubic"),
                                           mean=cfg.get("mean"), std=cfg.get("std"))
    return model, preprocessing, torch.randn(1, 3, size, size)


class _TextTower(torch.nn.Module):
    """CLIP's text encoder as a module of its own: token ids [N, 77] -> embedding [N, D]."""

    def __init__(self, clip_model):
        super().__init__()
        self.model = clip_model

    def forward(self, tokens):
        return self.model.encode_text(tokens)


def build_open_clip(arch, weights, pretrained, tower):
    import open_clip
    model, _, _ = open_clip.create_model_and_transforms(arch, pretrained=pretrained or weights or None)
    model.eval()
    size = model.visual.image_size
    size = size[0] if isinstance(size, (tuple, list)) else size
    if tower == "text":
        return _TextTower(model), None, torch.zeros(1, 77, dtype=torch.long)
    return model.visual, clip_preprocessing(size), torch.randn(1, 3, size, size)


def build_openai_clip(arch, weights, tower):
    import clip
    model, _ = clip.load(weights or arch, device="cpu", jit=False)
    model = model.float().eval()
    size = model.visual.input_resolution
    if tower == "text":
        return _TextTower(model), None, torch.zeros(1, 77, dtype=torch.long)
    return model.visual, clip_preprocessing(size), torch.randn(1, 3, size, size)


def randomize_batchnorm(model, generator):
    """Random running statistics and affine parameters, so that a random-weight BatchNorm is not an identity."""
    for m in model.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            with torch.no_grad():
                m.running_mean.copy_(torch.randn(m.num_features, generator=generator) * 0.1)
                m.running_var.copy_(torch.rand(m.num_features, generator=generator) * 0.5 + 0.75)
                if m.affine:
                    m.weight.copy_(torch.rand(m.num_features, generator=generator) * 0.5 + 0.75)
                    m.bias.copy_(torch.randn(m.num_features, generator=generator) * 0.1)


def build_model(source, arch, weights=None, pretrained=None, random_weights=False, tower="image", image_size=None, seed=0):
    """Returns (module in eval mode, preprocessing dict or None, example input)."""
    torch.manual_seed(seed)
    if sum(bool(x) for x in (weights, pretrained, random_weights)) != 1:
        raise SystemExit("give exactly one of --weights FILE, --pretrained TAG or --random-weights")
    if source == "torchvision":
        model, pre, example = build_torchvision(arch, weights, pretrained, image_size)
    elif source == "timm":
        model, pre, example = build_timm(arch, weights, pretrained, image_size)
    elif source == "open_clip":
        model, pre, example = build_open_clip(arch, weights, pretrained, tower)
    elif source == "clip":
        model, pre, example = build_openai_clip(arch, weights, tower)
    else:
        raise SystemExit(f"unknown source {source}")
    if random_weights:
        randomize_batchnorm(model, torch.Generator().manual_seed(seed))
    return model.eval(), pre, example


# ----------------------------------------------------------------------------------------------
# Exporting
# ----------------------------------------------------------------------------------------------

def find_batchnorm_folds(model, example):
    """Module paths conv -> batch norm for every BatchNorm whose input is a convolution's output
    (PyTorch folds exactly these in eval-mode export), found by running the model once."""
    names = {m: n for n, m in model.named_modules()}
    produced_by = {}
    folds = {}
    hooks = []

    def hook(module, inputs, output):
        if isinstance(module, torch.nn.modules.conv._ConvNd) and torch.is_tensor(output):
            produced_by[id(output)] = names[module]
        if isinstance(module, torch.nn.modules.batchnorm._BatchNorm) and inputs and id(inputs[0]) in produced_by:
            folds[produced_by[id(inputs[0])]] = names[module]

    for m in model.modules():
        if len(list(m.children())) == 0:
            hooks.append(m.register_forward_hook(hook))
    model(example)
    for h in hooks:
        h.remove()
    return folds


def export(model, example, path, opset=17, dynamic_batch=True, fold_batchnorm=False, preprocessing=None,
           metadata=None, fp16=False, input_name="image", output_name="output"):
    """Exports `model` (in eval mode) to `path` and writes RepLens's metadata."""
    import onnx
    from torch.onnx import TrainingMode

    model.eval()
    folds = find_batchnorm_folds(model, example) if fold_batchnorm else {}
    dynamic_axes = {input_name: {0: "batch"}, output_name: {0: "batch"}} if dynamic_batch else None
    # Not under torch.no_grad(): there, nn.MultiheadAttention takes a fused fast path that cannot be exported.
    torch.onnx.export(
        model, (example,), path, export_params=True, opset_version=opset,
        input_names=[input_name], output_names=[output_name], dynamic_axes=dynamic_axes,
        training=TrainingMode.EVAL if fold_batchnorm else TrainingMode.PRESERVE,
        do_constant_folding=fold_batchnorm)

    proto = onnx.load(path)
    props = dict(metadata or {})
    if preprocessing is not None:
        props["replens.preprocessing"] = json.dumps(preprocessing)
    if folds:
        props["replens.folded_batchnorm"] = json.dumps(folds)
    props["replens.exporter"] = f"tools/export_onnx.py (torch {torch.__version__})"
    for key, value in props.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, str(value)
    if fp16:
        convert_to_float16(proto)
    onnx.checker.check_model(proto)
    onnx.save(proto, path)
    return proto


def convert_to_float16(proto):
    """Turns a float32 graph into a float16 one in place: weights, float constants, casts to float,
    and the float inputs and outputs. Enough for convolutional networks and vision transformers;
    graphs that feed float tensors into shape arguments (e.g. Resize scales) need a fuller converter
    (onnxconverter-common's float16 tools)."""
    from onnx import TensorProto, numpy_helper

    def to_half(tensor):
        if tensor.data_type == TensorProto.FLOAT:
            tensor.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(tensor).astype(np.float16), tensor.name))

    graph = proto.graph
    for t in graph.initializer:
        to_half(t)
    for node in graph.node:
        for a in node.attribute:
            if a.name == "value" and node.op_type in ("Constant", "ConstantOfShape") and a.t.data_type == TensorProto.FLOAT:
                to_half(a.t)
            if node.op_type == "Cast" and a.name == "to" and a.i == TensorProto.FLOAT:
                a.i = TensorProto.FLOAT16
    for v in list(graph.input) + list(graph.output) + list(graph.value_info):
        if v.type.tensor_type.elem_type == TensorProto.FLOAT:
            v.type.tensor_type.elem_type = TensorProto.FLOAT16


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0] + " Runs where your weights are: RepLens never downloads weights.",
        epilog=__doc__[__doc__.index("What it writes"):], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", required=True, choices=["torchvision", "timm", "open_clip", "clip"])
    parser.add_argument("--arch", required=True, help="architecture name in the source library (resnet50, vit_b_16, ViT-B-32, ...)")
    weights = parser.add_mutually_exclusive_group(required=True)
    weights.add_argument("--weights", help="a local weights file: state_dict .pth/.pt, a pickled module, or .safetensors")
    weights.add_argument("--pretrained", help="a pretrained tag the library resolves on this machine (torchvision: IMAGENET1K_V1 or DEFAULT; "
                                              "open_clip: openai, laion2b_s34b_b79k, ...); the library may download it")
    weights.add_argument("--random-weights", action="store_true", help="seeded random weights (tests, quick-start)")
    parser.add_argument("--tower", choices=["image", "text"], default="image", help="CLIP models: which encoder to export")
    parser.add_argument("--out", required=True, help="the .onnx file to write")
    parser.add_argument("--opset", type=int, default=17, help="ONNX opset (>= 17 keeps LayerNormalization as one node)")
    parser.add_argument("--image-size", type=int, help="input size for torchvision/timm models (default: the weights' crop size)")
    parser.add_argument("--static-batch", action="store_true", help="fix the batch dimension to 1 instead of a dynamic batch")
    parser.add_argument("--fold-batchnorm", action="store_true", help="fold BatchNorm into the preceding convolution (PyTorch's default)")
    parser.add_argument("--fp16", action="store_true", help="write a float16 graph")
    parser.add_argument("--seed", type=int, default=0, help="seed for --random-weights")
    args = parser.parse_args(argv)
    if args.opset < 17:
        print("warning: opset < 17 splits LayerNormalization into several nodes (still named after its module)", file=sys.stderr)

    model, preprocessing, example = build_model(args.source, args.arch, args.weights, args.pretrained, args.random_weights,
                                                args.tower, args.image_size, args.seed)
    metadata = {"replens.source": args.source, "replens.arch": args.arch, "replens.tower": args.tower,
                "replens.weights": "random (seed %d)" % args.seed if args.random_weights else (args.weights or args.pretrained)}
    is_text = args.tower == "text"
    export(model, example, args.out, opset=args.opset, dynamic_batch=not args.static_batch, fold_batchnorm=args.fold_batchnorm,
           preprocessing=preprocessing, metadata=metadata, fp16=args.fp16,
           input_name="tokens" if is_text else "image", output_name="embedding" if is_text else "output")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
