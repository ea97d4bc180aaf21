namespace RepLens.Imaging;

/// <summary>An image that cannot be used.</summary>
/// <param name="Index">Position of the image in the list checked.</param>
/// <param name="Path">The image file.</param>
/// <param name="Message">Why it cannot be used (names the file).</param>
public sealed record ImageProblem(int Index, string Path, string Message);
