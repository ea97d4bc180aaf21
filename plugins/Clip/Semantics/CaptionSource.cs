using System.Globalization;
using RepLens.Abstractions;
using RepLens.Abstractions.IO;

namespace RepLens.Plugins.Clip.Semantics;

/// <summary>Where a stimulus's captions come from: the stimulus table, or COCO caption files matched by file name or id.</summary>
internal sealed class CaptionSource
{
    private readonly Dictionary<string, IReadOnlyList<string>>? _byFileName;
    private readonly Dictionary<long, IReadOnlyList<string>>? _byId;
    private readonly CaptionMatch _match;
    private readonly IReadOnlyList<string> _files;
    private readonly string _sampleNames;

    private CaptionSource(IReadOnlyList<string> files, CaptionMatch match, Dictionary<string, IReadOnlyList<string>>? byName,
        Dictionary<long, IReadOnlyList<string>>? byId, string fingerprint, string sampleNames)
    {
        _files = files;
        _match = match;
        _byFileName = byName;
        _byId = byId;
        Fingerprint = fingerprint;
        _sampleNames = sampleNames;
    }

    /// <summary>The stimulus table's own captions (its <c>captions</c> column).</summary>
    public static CaptionSource Table { get; } = new([], CaptionMatch.FileName, null, null, "table", "");

    public bool IsTable => _files.Count == 0;

    /// <summary>What determines the captions apart from the stimuli (file hashes and the matching rule).</summary>
    public string Fingerprint { get; }

    public string Description => IsTable
        ? "captions from the stimulus table"
        : $"COCO captions from {string.Join(", ", _files.Select(Path.GetFileName))}, matched by {(_match == CaptionMatch.FileName ? "image file name" : "image id")}";

    /// <summary>Reads COCO caption files (refusing bad ones with messages naming the file, annotation and image).</summary>
    public static CaptionSource FromCoco(IReadOnlyList<string> files, CaptionMatch match)
    {
        var byName = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var byId = new Dictionary<long, IReadOnlyList<string>>();
        var origin = new Dictionary<long, string>();
        var hashes = new List<string>();
        var samples = new List<string>();
        foreach (var file in files)
        {
            var images = CocoCaptions.Read(file);
            hashes.Add(SemanticsHash.OfFile(file));
            foreach (var image in images)
            {
                if (!origin.TryAdd(image.Id, file))
                    throw new InvalidDataException($"{file}: image id {image.Id} is also in {origin[image.Id]}; caption files given together must not share images.");
                byId[image.Id] = image.Captions;
                if (image.FileName is { } name)
                {
                    if (!byName.TryAdd(name, image.Captions) && match == CaptionMatch.FileName)
                        throw new InvalidDataException($"{file}: file name '{name}' belongs to two images; match by id instead (matchBy \"id\").");
                    if (samples.Count < 3) samples.Add(name);
                }
                else if (samples.Count < 3) samples.Add(image.Id.ToString(CultureInfo.InvariantCulture));
            }
        }
        return new CaptionSource(files, match, byName, byId,
            SemanticsHash.Of(["coco", EnumNames.Name(match), .. hashes]), string.Join(", ", samples));
    }

    /// <summary>The captions of each stimulus (possibly none), in table order.</summary>
    public IReadOnlyList<string>[] CaptionsFor(StimulusTable stimuli, string target)
    {
        var result = new IReadOnlyList<string>[stimuli.Count];
        if (IsTable)
        {
            for (int i = 0; i < stimuli.Count; i++) result[i] = stimuli[i].Captions;
            return result;
        }
        int matched = 0;
        for (int i = 0; i < stimuli.Count; i++)
        {
            IReadOnlyList<string>? found = null;
            if (_match == CaptionMatch.FileName) _byFileName!.TryGetValue(Path.GetFileName(stimuli[i].ImagePath), out found);
            else if (long.TryParse(stimuli[i].Id, NumberStyles.None, CultureInfo.InvariantCulture, out var id)) _byId!.TryGetValue(id, out found);
            if (found is not null) matched++;
            result[i] = found ?? [];
        }
        if (matched == 0 && stimuli.Count > 0)
        {
            var ours = _match == CaptionMatch.FileName
                ? "stimulus image files such as " + string.Join(", ", stimuli.Take(3).Select(s => $"'{Path.GetFileName(s.ImagePath)}'"))
                : "stimulus ids such as " + string.Join(", ", stimuli.Take(3).Select(s => $"'{s.Id}'"));
            throw new InvalidDataException(
                $"Target '{target}': {string.Join(", ", _files)} match{(_files.Count == 1 ? "es" : "")} none of the {stimuli.Count} stimuli by " +
                $"{(_match == CaptionMatch.FileName ? "file name" : "id")} ({ours}; the caption file has {_sampleNames}, …). " +
                "Is it the caption file of these images? Option matchBy chooses \"file-name\" or \"id\".");
        }
        return result;
    }
}
