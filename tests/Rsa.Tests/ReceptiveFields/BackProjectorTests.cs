using RepLens.Abstractions.ReceptiveFields;
using RepLens.Rsa.ReceptiveFields;
using Xunit;

namespace RepLens.Rsa.Tests.ReceptiveFields;

/// <summary>The back-projection rules on hand-built plans, against naive loops and exact properties.</summary>
public sealed class BackProjectorTests
{
    private static BackProjectionStep Step(BackProjectionRule rule, string output, int[] outputShape, string input, int[] inputShape, string op = "Op") =>
        new(op + "_" + output, op, rule, output, outputShape, new[] { input }, new IReadOnlyList<int>[] { inputShape });

    private static BackProjectionStep Conv(string output, int[] outputShape, string input, int[] inputShape, float[] weights, int[] weightShape,
        SlidingWindow window, int groups = 1, float[]? bias = null) =>
        Step(BackProjectionRule.TransposedConvolution, output, outputShape, input, inputShape, "Conv") with
        {
            Weights = weights, WeightShape = weightShape, Window = window, Groups = groups, Bias = bias,
        };

    private static float[] Random(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
    }

    private static float[] Project(BackProjectionPlan plan, UnitClamp clamp, BackProjectionBias bias = BackProjectionBias.None)
    {
        using var projector = new BackProjector(plan, bias);
        var pattern = new float[plan.InputLength];
        projector.Project(new[] { clamp }, pattern);
        return pattern;
    }

    /// <summary>Naive transposed convolution: input[ci, i·s − pt + a·d, j·s − pl + b·d] += W[o, ci', a, b] · g[o, i, j].</summary>
    private static double[] NaiveConvBack(double[] g, int cout, int ho, int wo, float[] w, int cinPerGroup, int kh, int kw, SlidingWindow win, int groups, int cin, int h, int wd)
    {
        var x = new double[cin * h * wd];
        int outPerGroup = cout / groups;
        for (int o = 0; o < cout; o++)
            for (int cl = 0; cl < cinPerGroup; cl++)
            {
                int ci = o / outPerGroup * cinPerGroup + cl;
                for (int a = 0; a < kh; a++)
                    for (int b = 0; b < kw; b++)
                        for (int i = 0; i < ho; i++)
                            for (int j = 0; j < wo; j++)
                            {
                                int r = i * win.StrideY - win.PadTop + a * win.DilationY, c = j * win.StrideX - win.PadLeft + b * win.DilationX;
                                if (r < 0 || r >= h || c < 0 || c >= wd) continue;
                                x[(ci * h + r) * wd + c] += w[((o * cinPerGroup + cl) * kh + a) * kw + b] * g[(o * ho + i) * wo + j];
                            }
            }
        return x;
    }

    [Fact]
    public void Project_OneByOneConvolution_GivesTheChannelsWeightVectorAtTheUnit()
    {
        var w = Random(5 * 3, 1);
        var plan = new BackProjectionPlan("m", "conv", "x", new[] { 3, 4, 4 }, "y", new[] { 5, 4, 4 },
            new[] { Conv("y", new[] { 5, 4, 4 }, "x", new[] { 3, 4, 4 }, w, new[] { 5, 3, 1, 1 }, new SlidingWindow(1, 1, 1, 1, 1, 1, 0, 0)) });

        var pattern = Project(plan, new UnitClamp(2, 1, 3, 1.5f));

        for (int c = 0; c < 3; c++)
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++)
                    Assert.Equal(i == 1 && j == 3 ? 1.5f * w[2 * 3 + c] : 0f, pattern[(c * 4 + i) * 4 + j], 6);
    }

    [Theory]
    [InlineData(1, 1, 1, 1, 1, 1)]   // plain 3×3, padding 1
    [InlineData(2, 1, 2, 0, 1, 1)]   // stride 2, asymmetric padding (top 2, left 0)
    [InlineData(1, 2, 1, 2, 2, 1)]   // dilation 2, groups 2
    [InlineData(2, 2, 0, 3, 4, 4)]   // stride and dilation 2, depthwise, padding past the kernel
    [InlineData(1, 2, 0, 3, 1, 5)]   // stride 1 (run as a correlation), dilation 2, asymmetric padding
    [InlineData(1, 1, 2, 0, 1, 6)]   // stride 1, padding 2 above and below, 0 left and 1 right
    [InlineData(1, 1, 3, 1, 1, 7)]   // stride 1, padding wider than the kernel (run as a transposed convolution)
    public void Project_Convolution_MatchesTheNaiveLoop(int stride, int dilation, int padTop, int padLeft, int groups, int seed)
    {
        const int cin = 4, cout = 4, h = 9, wd = 8, k = 3;
        var win = new SlidingWindow(k, k, stride, stride, dilation, dilation, padTop, padLeft);
        int ho = (h + padTop + padTop - win.SpanY) / stride + 1, wo = (wd + padLeft + 1 - win.SpanX) / stride + 1;
        var w = Random(cout * cin / groups * k * k, seed);
        var plan = new BackProjectionPlan("m", "conv", "x", new[] { cin, h, wd }, "y", new[] { cout, ho, wo },
            new[] { Conv("y", new[] { cout, ho, wo }, "x", new[] { cin, h, wd }, w, new[] { cout, cin / groups, k, k }, win, groups) });
        var clamp = new UnitClamp(3, ho / 2, wo - 1, 2f);
        var g = new double[cout * ho * wo];
        g[(clamp.Channel * ho + clamp.Y) * wo + clamp.X] = clamp.Value;

        var pattern = Project(plan, clamp);

        var expected = NaiveConvBack(g, cout, ho, wo, w, cin / groups, k, k, win, groups, cin, h, wd);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], pattern[i], 5);
    }

    [Fact]
    public void Project_OverlappingPools_AddOverlappingWindows()
    {
        // [1,1,1] → [1,2,2] → [1,3,3], both kernel 2 stride 1: every value copied into its window, overlaps add.
        var plan = new BackProjectionPlan("m", "pool", "x", new[] { 1, 3, 3 }, "z", new[] { 1, 1, 1 }, new[]
        {
            Step(BackProjectionRule.Upsample, "z", new[] { 1, 1, 1 }, "y", new[] { 1, 2, 2 }, "MaxPool") with { Window = new SlidingWindow(2, 2, 1, 1, 1, 1, 0, 0) },
            Step(BackProjectionRule.Upsample, "y", new[] { 1, 2, 2 }, "x", new[] { 1, 3, 3 }, "MaxPool") with { Window = new SlidingWindow(2, 2, 1, 1, 1, 1, 0, 0) },
        });

        var pattern = Project(plan, new UnitClamp(0, 0, 0, 3f));

        Assert.Equal(new float[] { 3, 6, 3, 6, 12, 6, 3, 6, 3 }, pattern);
    }

    [Fact]
    public void Project_AveragePoolWithPadding_DividesByTheWindowAndCropsThePadding()
    {
        // Kernel 3, stride 2, padding 1 on a 5×5 map: output (0,0) covers rows and columns −1…1.
        var plan = new BackProjectionPlan("m", "pool", "x", new[] { 1, 5, 5 }, "y", new[] { 1, 3, 3 }, new[]
        {
            Step(BackProjectionRule.Upsample, "y", new[] { 1, 3, 3 }, "x", new[] { 1, 5, 5 }, "AveragePool") with { Window = new SlidingWindow(3, 3, 2, 2, 1, 1, 1, 1), Divisor = 9 },
        });

        var pattern = Project(plan, new UnitClamp(0, 0, 0, 9f));

        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 5; j++) Assert.Equal(i <= 1 && j <= 1 ? 1f : 0f, pattern[i * 5 + j]);
    }

    [Fact]
    public void Project_TilingMaxPool_RepeatsEachValue()
    {
        var plan = new BackProjectionPlan("m", "pool", "x", new[] { 2, 4, 6 }, "y", new[] { 2, 2, 3 }, new[]
        {
            Step(BackProjectionRule.Upsample, "y", new[] { 2, 2, 3 }, "x", new[] { 2, 4, 6 }, "MaxPool") with { Window = new SlidingWindow(2, 2, 2, 2, 1, 1, 0, 0) },
        });

        var pattern = Project(plan, new UnitClamp(1, 1, 2, 0.5f));

        for (int c = 0; c < 2; c++)
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 6; j++)
                    Assert.Equal(c == 1 && i >= 2 && j >= 4 ? 0.5f : 0f, pattern[(c * 4 + i) * 6 + j]);
    }

    [Fact]
    public void Project_ResidualAndConcat_SignalGoesToBothInputsAndSplitsByChannel()
    {
        // y = Add(x, conv(x)); z = Concat(y, x) along channels: the signal at x is g_y + convT(g_y) + g_x.
        var w = Random(2 * 2 * 3 * 3, 7);
        var win = new SlidingWindow(3, 3, 1, 1, 1, 1, 1, 1);
        var plan = new BackProjectionPlan("m", "cat", "x", new[] { 2, 4, 4 }, "z", new[] { 4, 4, 4 }, new[]
        {
            new BackProjectionStep("cat", "Concat", BackProjectionRule.ChannelSplit, "z", new[] { 4, 4, 4 }, new[] { "y", "x" }, new IReadOnlyList<int>[] { new[] { 2, 4, 4 }, new[] { 2, 4, 4 } }),
            new BackProjectionStep("add", "Add", BackProjectionRule.Fork, "y", new[] { 2, 4, 4 }, new[] { "x", "c" }, new IReadOnlyList<int>[] { new[] { 2, 4, 4 }, new[] { 2, 4, 4 } }),
            Conv("c", new[] { 2, 4, 4 }, "x", new[] { 2, 4, 4 }, w, new[] { 2, 2, 3, 3 }, win),
        });

        var fromY = Project(plan, new UnitClamp(1, 2, 1, 1f));
        var fromX = Project(plan, new UnitClamp(3, 2, 1, 1f));

        var g = new double[2 * 16];
        g[(1 * 4 + 2) * 4 + 1] = 1;
        var conv = NaiveConvBack(g, 2, 4, 4, w, 2, 3, 3, win, 1, 2, 4, 4);
        for (int i = 0; i < 32; i++)
        {
            Assert.Equal(g[i] + conv[i], fromY[i], 5);
            Assert.Equal(g[i], fromX[i]);
        }
    }

    private static BackProjectionPlan SmallVgg(int seed)
    {
        // conv 3→4 (3×3, pad 1) → relu → maxpool 2 → conv 4→4 (3×3, pad 1) → relu, with biases, on 8×8.
        var win = new SlidingWindow(3, 3, 1, 1, 1, 1, 1, 1);
        return new BackProjectionPlan("m", "relu2", "x", new[] { 3, 8, 8 }, "r2", new[] { 4, 4, 4 }, new[]
        {
            Step(BackProjectionRule.Relu, "r2", new[] { 4, 4, 4 }, "c2", new[] { 4, 4, 4 }, "Relu"),
            Conv("c2", new[] { 4, 4, 4 }, "p1", new[] { 4, 4, 4 }, Random(4 * 4 * 9, seed), new[] { 4, 4, 3, 3 }, win, bias: Random(4, seed + 1)),
            Step(BackProjectionRule.Upsample, "p1", new[] { 4, 4, 4 }, "r1", new[] { 4, 8, 8 }, "MaxPool") with { Window = new SlidingWindow(2, 2, 2, 2, 1, 1, 0, 0) },
            Step(BackProjectionRule.Relu, "r1", new[] { 4, 8, 8 }, "c1", new[] { 4, 8, 8 }, "Relu"),
            Conv("c1", new[] { 4, 8, 8 }, "x", new[] { 3, 8, 8 }, Random(4 * 3 * 9, seed + 2), new[] { 4, 3, 3, 3 }, win, bias: Random(4, seed + 3)),
        });
    }

    [Theory]
    [InlineData(0.5, 1.0)]
    [InlineData(1.0, 3.0)]
    [InlineData(1.5, 2.5)]
    public void Project_WithoutBiases_ScalesExactlyWithTheConstant(double a, double b)
    {
        var plan = SmallVgg(11);

        var pa = Project(plan, new UnitClamp(2, 1, 2, (float)a));
        var pb = Project(plan, new UnitClamp(2, 1, 2, (float)b));

        float peak = pa.Max(Math.Abs);
        Assert.True(peak > 0);
        for (int i = 0; i < pa.Length; i++) Assert.True(Math.Abs(pb[i] - b / a * pa[i]) <= 1e-6 * peak * b / a, $"value {i}: {pb[i]} vs {b / a} × {pa[i]}");
    }

    [Fact]
    public void Project_WithBiases_DoesNotScaleWithTheConstant()
    {
        var plan = SmallVgg(11);

        var p1 = Project(plan, new UnitClamp(2, 1, 2, 1f), BackProjectionBias.Include);
        var p3 = Project(plan, new UnitClamp(2, 1, 2, 3f), BackProjectionBias.Include);
        var none = Project(plan, new UnitClamp(2, 1, 2, 1f));

        double deviation = p1.Zip(p3, (x, y) => Math.Abs(y / 3 - x)).Max() / p1.Max(Math.Abs);
        Assert.True(deviation > 1e-2, $"relative deviation from homogeneity {deviation}");
        Assert.NotEqual(none, p1);
    }

    [Fact]
    public void Project_Batch_EqualsOneByOne()
    {
        var plan = SmallVgg(5);
        var clamps = new[] { new UnitClamp(0, 0, 0, 1f), new UnitClamp(3, 2, 1, 2f), new UnitClamp(1, 3, 3, 0.5f) };
        using var projector = new BackProjector(plan);
        var batch = new float[3 * plan.InputLength];

        projector.Project(clamps, batch);

        // Equal up to rounding: libtorch may sum in another order for another batch size.
        for (int i = 0; i < 3; i++)
            AssertClose(Project(plan, clamps[i]), batch.AsSpan(i * plan.InputLength, plan.InputLength).ToArray());
    }

    [Fact]
    public void Project_Batches_DeliverEveryPatternInOrder()
    {
        var plan = SmallVgg(5);
        var clamps = Enumerable.Range(0, 7).Select(i => new UnitClamp(i % 4, i % 4, 3 - i % 4, 1f + i)).ToList();
        using var projector = new BackProjector(plan);
        var all = new float[clamps.Count * plan.InputLength];
        projector.Project(clamps, all);
        var streamed = new float[all.Length];
        var firsts = new List<int>();

        projector.Project(clamps, 3, (first, patterns) => { firsts.Add(first); patterns.CopyTo(streamed.AsSpan(first * plan.InputLength)); });

        Assert.Equal(new[] { 0, 3, 6 }, firsts);
        AssertClose(all, streamed);
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        float peak = expected.Max(Math.Abs);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6f * peak, $"value {i}: {actual[i]} vs {expected[i]}");
    }

    [Fact]
    public void Project_PositionOutsideTheLayer_ThrowsNamingIt()
    {
        using var projector = new BackProjector(SmallVgg(5));

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => projector.Project(new[] { new UnitClamp(0, 4, 0, 1f) }, new float[projector.InputLength]));

        Assert.Contains("4×4", e.Message);
        Assert.Contains("(4, 0)", e.Message);
    }

    [Fact]
    public void BatchSizeFor_SmallBudget_AtLeastOne()
    {
        using var projector = new BackProjector(SmallVgg(5));

        Assert.Equal(1, projector.BatchSizeFor(1));
        Assert.InRange(projector.BatchSizeFor(1L << 30), 2, 64);
    }
}
