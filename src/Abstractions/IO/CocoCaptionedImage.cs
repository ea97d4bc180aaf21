namespace RepLens.Abstractions.IO;

/// <summary>One image of a COCO caption annotation file, with its captions.</summary>
/// <param name="Id">The image id (<c>images[].id</c>).</param>
/// <param name="FileName">The image file name (<c>images[].file_name</c>), or <c>null</c> when the file has none.</param>
/// <param name="Captions">Its captions (<c>annotations[].caption</c> with this <c>image_id</c>), in annotation order; possibly empty.</param>
public sealed record CocoCaptionedImage(long Id, string? FileName, IReadOnlyList<string> Captions);
