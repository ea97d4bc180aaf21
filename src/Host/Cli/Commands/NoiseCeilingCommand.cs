using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.Host.Data;
using RepLens.Rsa.Comparisons;
using RepLens.Rsa.Inference;

namespace RepLens.Host.Cli.Commands;

/// <summary><c>replens noise-ceiling SUBJECT_RDMS.npy</c>: leave-one-subject-out noise ceilings of an (S × N × N) stack.</summary>
internal static class NoiseCeilingCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("SUBJECT_RDMS") { Description = "An (S × N × N) .npy stack of one RDM per subject (or S × N(N−1)/2 condensed)." };
        var method = new Option<string>("--method") { Description = "spearman, pearson, kendall-tau-a or cosine.", DefaultValueFactory = _ => "spearman" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object with lower, upper and per-subject values." };
        var cmd = new Command("noise-ceiling", "Leave-one-subject-out noise ceiling: lower = ρ(mean of the other subjects, this subject), upper = ρ(mean of all, this subject), averaged over subjects.")
        {
            input, method, json,
        };
        cmd.SetAction((parse, ct) => CommandRunner.RunCoreAsync(parse, ct, (_, _) =>
        {
            var m = EnumNames.Parse<ComparisonMethod>(parse.GetValue(method), "--method");
            var path = parse.GetValue(input)!;
            var a = Npy.ReadFloat64(path);
            if (a.Rank is not (2 or 3))
                throw new InvalidDataException($"{path}: expected an (S × N × N) or (S × N(N−1)/2) stack of subject RDMs; found {a.Rank} dimensions.");
            int subjects = a.Dimension(0);
            if (subjects < 2) throw new InvalidDataException($"{path}: a noise ceiling needs at least 2 subjects; found {subjects}.");
            long per = a.Data.LongLength / subjects;
            var shape = a.Shape.Skip(1).ToArray();
            var rdms = new List<Rdm>();
            for (int s = 0; s < subjects; s++)
                rdms.Add(RdmFile.FromArray(a.Data.AsSpan((int)(s * per), (int)per).ToArray(), shape, $"{path}, subject {s}"));
            var result = NoiseCeiling.LeaveOneSubjectOut(rdms, m);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>
                {
                    ["method"] = EnumNames.Name(m), ["lower"] = result.Lower, ["upper"] = result.Upper, ["subjects"] = subjects,
                    ["lower_per_subject"] = result.LowerPerSubject, ["upper_per_subject"] = result.UpperPerSubject,
                }, new JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
            }
            else
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"noise ceiling ({EnumNames.Name(m)}, {subjects} subjects, {rdms[0].Count} stimuli): lower = {result.Lower:0.######}, upper = {result.Upper:0.######}"));
            }
            return Task.FromResult(ExitCodes.Success);
        }));
        return cmd;
    }
}
