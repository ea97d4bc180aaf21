using RepLens.Abstractions;
using RepLens.Abstractions.ReceptiveFields;
using RepLens.TestSupport;
using Xunit;
using static RepLens.Onnx.Tests.OnnxFixtures;

namespace RepLens.Onnx.Tests;

/// <summary>The graph walk of back-projection (tests/fixtures/receptive_fields, made by tools/fixtures/make_receptive_field_fixtures.py).</summary>
public sealed class BackProjectionPlannerTests
{
    private static readonly OnnxModelSettings Cnn = new("test", Preprocessing.ImageNet);

    private static OnnxLoadedModel Open(string name) => OnnxLoadedModel.Open(Repo.Fixture("receptive_fields", "models", name), Cnn);

    private static BackProjectionPlan Plan(OnnxLoadedModel model, string layer) => model.PlanBackProjection(model.SelectLayers(new[] { layer })[0]);

    [Fact]
    public void PlanBackProjection_Vgg_WalksFromTheLayerToTheInputAndLeavesTheRestOut()
    {
        using var model = Open("vgg_tiny.onnx");

        var plan = Plan(model, "features.9");

        Assert.Equal(new[] { "MaxPool", "Relu", "Conv", "Relu", "Conv", "MaxPool", "Relu", "Conv", "Relu", "Conv" }, plan.Steps.Select(s => s.OpType));
        Assert.Equal(plan.LayerValue, plan.Steps[0].Output);
        Assert.Equal(plan.InputValue, plan.Steps[^1].Inputs.Single());
        Assert.Equal(new[] { 3, 24, 24 }, plan.InputShape);
        Assert.Equal(new[] { 16, 6, 6 }, plan.LayerShape);
        var conv = plan.Steps[^1];
        Assert.Equal(BackProjectionRule.TransposedConvolution, conv.Rule);
        Assert.Equal(new[] { 8, 3, 3, 3 }, conv.WeightShape);
        Assert.Equal(8 * 3 * 3 * 3, conv.Weights!.Length);
        Assert.Equal(8, conv.Bias!.Length);
        Assert.Equal(new SlidingWindow(3, 3, 1, 1, 1, 1, 1, 1), conv.Window);
        Assert.Equal(new SlidingWindow(2, 2, 2, 2, 1, 1, 0, 0), plan.Steps[0].Window);
    }

    [Fact]
    public void PlanBackProjection_HandBuiltGraph_ResolvesAsymmetricPadsAutoPadGroupsAndPools()
    {
        using var model = Open("ops_tiny.onnx");

        var plan = Plan(model, "relu_flat");

        var byNode = plan.Steps.ToDictionary(s => s.Node);
        Assert.Equal(new SlidingWindow(3, 3, 1, 1, 1, 1, 2, 0), byNode["conv_a"].Window);
        Assert.Equal(new SlidingWindow(2, 2, 1, 1, 1, 1, 1, 1), byNode["conv_b"].Window);
        Assert.Equal(2, byNode["conv_b"].Groups);
        Assert.Null(byNode["conv_b"].Bias);
        Assert.Equal(9f, byNode["avgpool"].Divisor);
        Assert.Equal(1f, byNode["maxpool_ceil"].Divisor);
        Assert.Equal(new SlidingWindow(2, 2, 1, 1, 2, 2, 0, 0), byNode["maxpool_dilated"].Window);
        Assert.Equal(new SlidingWindow(4, 4, 1, 1, 1, 1, 0, 0), byNode["gap"].Window);
        Assert.Equal(16f, byNode["gap"].Divisor);
        Assert.Equal(BackProjectionRule.ChannelScale, byNode["bn"].Rule);
        Assert.Equal(8, byNode["bn"].Scale!.Length);
        Assert.Equal(BackProjectionRule.ChannelSplit, byNode["concat"].Rule);
        Assert.Equal(new[] { "avg", "mx" }, byNode["concat"].Inputs);
        Assert.Equal(BackProjectionRule.Fork, byNode["residual"].Rule);
        Assert.Equal(BackProjectionRule.Reshape, byNode["reshape"].Rule);
        Assert.Equal(BackProjectionRule.Reshape, byNode["flatten"].Rule);
        Assert.Equal(BackProjectionRule.Pass, byNode["dropout"].Rule);
        Assert.Equal(BackProjectionRule.Pass, byNode["identity"].Rule);
        Assert.DoesNotContain("fc", byNode.Keys);
        Assert.Equal(new[] { 8 }, plan.LayerShape);
    }

    [Fact]
    public void PlanBackProjection_UnfusedAndFoldedBatchNorm_SameSignatureOnlyWhereBothHaveIt()
    {
        using var unfused = Open("resnet_tiny.onnx");
        using var folded = Open("resnet_tiny_folded.onnx");

        var a = Plan(unfused, "layer2.0.relu_1");
        var b = Plan(folded, "layer2.0.relu_1");

        Assert.Equal(6, a.Steps.Count(s => s.Rule == BackProjectionRule.ChannelScale));
        Assert.All(a.Steps.Where(s => s.Rule == BackProjectionRule.TransposedConvolution), s => Assert.Null(s.Bias));
        Assert.DoesNotContain(b.Steps, s => s.Rule == BackProjectionRule.ChannelScale);
        Assert.All(b.Steps.Where(s => s.Rule == BackProjectionRule.TransposedConvolution), s => Assert.NotNull(s.Bias));
        Assert.Equal(2, a.Steps.Count(s => s.Rule == BackProjectionRule.Fork));
        Assert.NotEqual(a.ArchitectureSignature, b.ArchitectureSignature);
    }

    [Fact]
    public void PlanBackProjection_VisionTransformer_RefusesNamingTheOperatorAndNode()
    {
        using var model = OnnxLoadedModel.Open(Model("vit_narrow.onnx"), Cnn);
        var layer = model.Layers.First(l => l.Name.EndsWith("mlp.3", StringComparison.Ordinal));

        var e = Assert.Throws<NotSupportedException>(() => model.PlanBackProjection(layer));

        Assert.Contains($"layer '{layer.Name}'", e.Message);
        Assert.Contains("MatMul (node '/encoder/layers/encoder_layer_0/", e.Message);
        Assert.Contains("Softmax", e.Message);
        Assert.Contains("applies to convolutional networks", e.Message);
    }

    [Fact]
    public void PlanBackProjection_ConvolutionalPatchEmbedding_IsAllowed()
    {
        using var model = OnnxLoadedModel.Open(Model("vit_narrow.onnx"), Cnn);

        var plan = model.PlanBackProjection(model.SelectLayers(new[] { "conv_proj" })[0]);

        var step = Assert.Single(plan.Steps);
        Assert.Equal(new SlidingWindow(16, 16, 16, 16, 1, 1, 0, 0), step.Window);
    }

    [Fact]
    public void ExtractFromInputTensors_IdentityNetwork_ReturnsTheTensorsUnnormalised()
    {
        // identity_rgb.onnx is a 1×1 convolution with identity weights: what its input receives comes out.
        var settings = new OnnxModelSettings("test", Preprocessing.ImageNet with { ResizeShorterSide = 73, CropHeight = 64, CropWidth = 64 });
        using var model = OnnxLoadedModel.Open(Model("identity_rgb.onnx"), settings);
        var tensors = Npy.Load(Repo.Fixture("onnx", "preprocess", "imagenet64.npy"));
        var rows = Enumerable.Range(0, tensors.Shape[0]).Select(i => new TensorRow { Input = tensors.Row(i) }).ToList();
        var schema = Microsoft.ML.Data.SchemaDefinition.Create(typeof(TensorRow));
        schema[nameof(TensorRow.Input)].ColumnType = new Microsoft.ML.Data.VectorDataViewType(Microsoft.ML.Data.NumberDataViewType.Single, 3 * 64 * 64);
        var view = new Microsoft.ML.MLContext().Data.LoadFromEnumerable(rows, schema);

        var output = ReadColumn(model.ExtractFromInputTensors(view, nameof(TensorRow.Input), model.Layers, ExtractionOptions.Default), model.Layers[0].SafeName);

        Assert.Equal(rows.Count, output.Count);
        for (int i = 0; i < rows.Count; i++) Assert.Equal(rows[i].Input, output[i]);
    }

    [Fact]
    public void ExtractFromInputTensors_WrongTensorSize_ThrowsNamingTheColumn()
    {
        using var model = Open("vgg_tiny.onnx");
        var schema = Microsoft.ML.Data.SchemaDefinition.Create(typeof(TensorRow));
        schema[nameof(TensorRow.Input)].ColumnType = new Microsoft.ML.Data.VectorDataViewType(Microsoft.ML.Data.NumberDataViewType.Single, 10);
        var view = new Microsoft.ML.MLContext().Data.LoadFromEnumerable(new[] { new TensorRow { Input = new float[10] } }, schema);

        var e = Assert.Throws<ArgumentException>(() => model.ExtractFromInputTensors(view, nameof(TensorRow.Input), model.Layers.Take(1).ToList(), ExtractionOptions.Default));

        Assert.Contains("'Input'", e.Message);
        Assert.Contains("1728", e.Message);
    }

    private sealed class TensorRow
    {
        public float[] Input { get; set; } = Array.Empty<float>();
    }
}
