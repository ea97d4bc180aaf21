using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RepLens.Abstractions.IO;

/// <summary>
/// Reads COCO caption annotation files (<c>captions_train2017.json</c>, <c>captions_val2014.json</c>, …):
/// <c>images[].id</c>, <c>images[].file_name</c>, <c>annotations[].image_id</c>,
/// <c>annotations[].caption</c> (Lin et al. 2014, Microsoft COCO: Common Objects in Context,
/// doi:10.1007/978-3-319-10602-1_48; captions: Chen et al. 2015, arXiv:1504.00325).
/// The file must be strict UTF-8 JSON. An annotation pointing to an image that is not in <c>images</c>,
/// a duplicated image id, an empty caption or a missing field is refused with a message naming the
/// file, the annotation and the image id.
/// </summary>
public static class CocoCaptions
{
    /// <summary>
    /// The images of a caption file in the order of <c>images</c>, each with its captions in the order of
    /// <c>annotations</c> (an image may have none). Captions are kept as written (not trimmed).
    /// </summary>
    /// <param name="path">The JSON file.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not UTF-8, not JSON, or not a valid caption file.</exception>
    public static IReadOnlyList<CocoCaptionedImage> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"COCO caption file '{full}' does not exist.", full);
        var bytes = File.ReadAllBytes(full);
        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetCharCount(bytes);
        }
        catch (DecoderFallbackException e)
        {
            var at = e.Index >= 0 ? $" (byte 0x{(e.BytesUnknown is { Length: > 0 } b ? b[0] : (byte)0):X2} at offset {e.Index.ToString(CultureInfo.InvariantCulture)})" : "";
            throw new InvalidDataException($"{full}: not UTF-8 text{at}; COCO caption files are UTF-8 JSON: convert it (e.g. iconv -f latin1 -t utf-8).", e);
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes.AsMemory(bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{full}: not valid JSON (line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}): {e.Message}", e);
        }
        using (doc)
        {
            return Parse(doc.RootElement, full);
        }
    }

    private static List<CocoCaptionedImage> Parse(JsonElement root, string file)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{file}: expected a JSON object with 'images' and 'annotations', found {root.ValueKind}.");
        var images = Array(root, "images", file);
        var annotations = Array(root, "annotations", file);

        var ids = new List<long>();
        var names = new List<string?>();
        var index = new Dictionary<long, int>();
        int i = 0;
        foreach (var image in images.EnumerateArray())
        {
            var where = $"images[{i}]";
            if (image.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{file}: {where}: expected an object.");
            long id = Integer(image, "id", where, file);
            string? name = image.TryGetProperty("file_name", out var fn) && fn.ValueKind == JsonValueKind.String ? fn.GetString() : null;
            if (!index.TryAdd(id, ids.Count))
                throw new InvalidDataException($"{file}: {where}: image id {id} appears twice in 'images' (also images[{index[id]}]).");
            ids.Add(id);
            names.Add(name);
            i++;
        }

        var captions = ids.Select(_ => new List<string>()).ToArray();
        var orphans = new List<string>();
        int orphanCount = 0;
        int j = 0;
        foreach (var a in annotations.EnumerateArray())
        {
            var where = $"annotations[{j}]";
            if (a.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{file}: {where}: expected an object.");
            var label = a.TryGetProperty("id", out var aid) && aid.ValueKind == JsonValueKind.Number ? $"{where} (id {aid.GetRawText()})" : where;
            long imageId = Integer(a, "image_id", label, file);
            if (!a.TryGetProperty("caption", out var cap) || cap.ValueKind != JsonValueKind.String)
                throw new InvalidDataException($"{file}: {label}, image {imageId}: missing 'caption' (expected a string).");
            var text = cap.GetString()!;
            if (!index.TryGetValue(imageId, out var row))
            {
                if (orphans.Count < 5) orphans.Add($"{label} → image_id {imageId}");
                orphanCount++;
            }
            else
            {
                if (string.IsNullOrWhiteSpace(text))
                    throw new InvalidDataException($"{file}: {label}: image {imageId} has an empty caption; remove the annotation or write the caption.");
                captions[row].Add(text);
            }
            j++;
        }
        if (orphanCount > 0)
            throw new InvalidDataException(
                $"{file}: {orphanCount} annotation{(orphanCount == 1 ? " refers" : "s refer")} to images that are not in 'images': " +
                $"{string.Join("; ", orphans)}{(orphanCount > orphans.Count ? "; …" : "")}. Is it the matching caption file of the image set?");

        var result = new List<CocoCaptionedImage>(ids.Count);
        for (int k = 0; k < ids.Count; k++) result.Add(new CocoCaptionedImage(ids[k], names[k], captions[k]));
        return result;
    }

    private static JsonElement Array(JsonElement root, string name, string file)
    {
        if (!root.TryGetProperty(name, out var e) || e.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException($"{file}: missing '{name}' array; a COCO caption file has 'images' and 'annotations'.");
        return e;
    }

    private static long Integer(JsonElement e, string name, string where, string file)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out var x))
            throw new InvalidDataException($"{file}: {where}: missing or non-integer '{name}'.");
        return x;
    }
}
