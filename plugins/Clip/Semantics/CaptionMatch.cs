namespace RepLens.Plugins.Clip.Semantics;

/// <summary>How images of a COCO caption file are matched to stimuli (option <c>matchBy</c>).</summary>
internal enum CaptionMatch
{
    /// <summary>The stimulus image's file name equals <c>images[].file_name</c>.</summary>
    FileName,

    /// <summary>The stimulus id, read as an integer, equals <c>images[].id</c>.</summary>
    Id,
}
