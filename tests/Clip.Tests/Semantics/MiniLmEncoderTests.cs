using RepLens.Plugins.Clip.Semantics;
using Xunit;
using static RepLens.Clip.Tests.Semantics.SemanticsFixtures;

namespace RepLens.Clip.Tests.Semantics;

public class MiniLmEncoderTests(MiniLmModel model) : IClassFixture<MiniLmModel>
{
    private float[][] Encode(params string[] texts) => model.Encoder.Encode(texts, CancellationToken.None);

    [Fact]
    public void Encode_Paraphrases_AreCloserThanUnrelatedCaptions()
    {
        var v = Encode("A cat sleeping on a sofa.", "A kitten naps on the couch.", "A red truck parked on the street.",
            "A man riding a bicycle down a city street.", "Someone cycles along an urban road.");
        double paraphrase1 = Cosine(v[0], v[1]), unrelated1 = Cosine(v[0], v[2]);
        double paraphrase2 = Cosine(v[3], v[4]), unrelated2 = Cosine(v[3], v[0]);
        Assert.InRange(paraphrase1, 0.76, 0.78);
        Assert.InRange(unrelated1, 0.12, 0.15);
        Assert.True(paraphrase2 > unrelated2 + 0.3, $"{paraphrase2} vs {unrelated2}");
        Assert.Equal(MiniLmEncoder.Dimension, v[0].Length);
        Assert.InRange(Math.Sqrt(v[0].Sum(x => (double)x * x)), 1 - 1e-5, 1 + 1e-5);
    }

    [Fact]
    public void Encode_FixedCaptions_EqualTheCommittedFixtureAndRepeatBitForBit()
    {
        var captions = File.ReadAllLines(Fixture("minilm_captions.txt")).Where(l => l.Length > 0).ToArray();
        var expected = Rows(Fixture("minilm_reference.npy"));
        var first = Encode(captions);
        var again = Encode(captions);
        for (int i = 0; i < captions.Length; i++)
        {
            Assert.Equal(first[i], again[i]);
            double diff = first[i].Zip(expected[i], (a, b) => Math.Abs((double)a - b)).Max();
            Assert.True(diff <= 1e-5, $"'{captions[i]}' differs from the fixture by {diff:E2}: did the model, its tokenizer or ONNX Runtime change?");
        }
    }

    [Fact]
    public void Encode_TextAloneOrInABatchOfEqualLength_GivesIdenticalBits()
    {
        string[] colours = ["red", "blue", "green", "white", "black"], animals = ["dog", "cat", "horse", "bird", "cow"];
        string[] texts = colours.SelectMany(c => animals.Select(a => $"a {c} {a} sits on the grass")).ToArray();
        Assert.Single(model.Encoder.Tokenize(texts).Distinct());
        var batch = Encode(texts);
        for (int i = 0; i < texts.Length; i++) Assert.Equal(batch[i], Encode(texts[i])[0]);
    }

    [Fact]
    public void OnnxSentenceEncoder_OnTheSameModelAndVocabulary_EqualsThePackage()
    {
        var (modelFile, vocab, folder) = MiniLmModel.ExtractEmbeddedFiles();
        using (folder)
        {
            using var generic = TextEncoderFactory.Create(new EncoderSettings(null, modelFile, null, null, null, TextPooling.Mean, Normalize: true,
                LowerCase: true, MaxTokens: 512, "$.targets[0].options"));
            Assert.IsType<OnnxSentenceEncoder>(generic);
            Assert.Equal(MiniLmEncoder.Dimension, generic.Dimensions);
            string[] texts = ["A cat sleeping on a sofa.", "Two dogs playing with a ball in the park!", "a plate of food with broccoli, rice and 3 forks"];
            var expected = Encode(texts);
            var actual = generic.Encode(texts, CancellationToken.None);
            for (int i = 0; i < texts.Length; i++)
            {
                double diff = actual[i].Zip(expected[i], (a, b) => Math.Abs((double)a - b)).Max();
                Assert.True(diff <= 1e-5, $"'{texts[i]}': {diff:E2}");
            }
        }
    }
}
