using RepLens.Abstractions.IO;
using SkiaSharp;

namespace RepLens.Host.Figures;

/// <summary>
/// A grid of small RGB images (e.g. back-projected receptive fields) with a title, notes, column headers,
/// row headers and a caption under each image, written as a PNG. The only place the host draws and encodes
/// raster images itself (SkiaSharp); switch to src/Imaging's encoder here once it exists.
/// </summary>
internal static class ImageGrid
{
    /// <summary>One image of the grid: row-major RGB bytes (3 per pixel), <paramref name="Width"/> × <paramref name="Height"/>.</summary>
    public sealed record Tile(byte[] Rgb, int Width, int Height, string? Caption = null);

    private const int Pad = 6;
    private const float TitleSize = 18, TextSize = 12;

    /// <summary>
    /// Writes <paramref name="cells"/> (rows × columns; null cells stay empty) as a PNG. Every tile is drawn at
    /// <paramref name="cellSize"/> pixels, scaled by pixel repetition when it is smaller (so that the patterns'
    /// pixels stay visible) and smoothly when larger.
    /// </summary>
    public static void Save(string path, string title, IReadOnlyList<string> notes, IReadOnlyList<string>? columnHeaders,
        IReadOnlyList<string>? rowHeaders, Tile?[,] cells, int cellSize)
    {
        int rows = cells.GetLength(0), cols = cells.GetLength(1);
        using var titleFont = new SKPaint { Color = SKColors.Black, IsAntialias = true, TextSize = TitleSize, Typeface = SKTypeface.FromFamilyName("DejaVu Sans", SKFontStyle.Bold) };
        using var font = new SKPaint { Color = SKColors.Black, IsAntialias = true, TextSize = TextSize, Typeface = SKTypeface.FromFamilyName("DejaVu Sans") };
        using var sharp = new SKPaint { FilterQuality = SKFilterQuality.None };
        using var smooth = new SKPaint { FilterQuality = SKFilterQuality.Medium };
        float lineHeight = TextSize * 1.35f;
        bool captions = Enumerable.Range(0, rows * cols).Any(i => cells[i / cols, i % cols]?.Caption is not null);
        float rowHeaderWidth = rowHeaders is null ? 0 : rowHeaders.Max(h => font.MeasureText(h)) + 2 * Pad;
        float headerHeight = columnHeaders is null ? 0 : lineHeight + Pad;
        float captionHeight = captions ? lineHeight : 0;
        float top = Pad + TitleSize * 1.5f + notes.Count * lineHeight + Pad + headerHeight;
        int width = (int)Math.Ceiling(Math.Max(rowHeaderWidth + cols * (cellSize + Pad) + Pad,
            Math.Max(titleFont.MeasureText(title), notes.Select(n => font.MeasureText(n)).DefaultIfEmpty(0).Max()) + 2 * Pad));
        int height = (int)Math.Ceiling(top + rows * (cellSize + captionHeight + Pad) + Pad);

        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            float y = Pad + TitleSize;
            canvas.DrawText(title, Pad, y, titleFont);
            y += TitleSize * 0.5f;
            foreach (var note in notes)
            {
                y += lineHeight;
                canvas.DrawText(note, Pad, y, font);
            }
            if (columnHeaders is not null)
                for (int c = 0; c < Math.Min(cols, columnHeaders.Count); c++)
                    canvas.DrawText(columnHeaders[c], rowHeaderWidth + Pad + c * (cellSize + Pad), top - Pad - 2, font);
            for (int r = 0; r < rows; r++)
            {
                float cellTop = top + r * (cellSize + captionHeight + Pad);
                if (rowHeaders is not null && r < rowHeaders.Count)
                    canvas.DrawText(rowHeaders[r], Pad, cellTop + cellSize / 2f + TextSize / 2f, font);
                for (int c = 0; c < cols; c++)
                {
                    if (cells[r, c] is not { } tile) continue;
                    float left = rowHeaderWidth + Pad + c * (cellSize + Pad);
                    using var image = ToImage(tile);
                    canvas.DrawImage(image, new SKRect(left, cellTop, left + cellSize, cellTop + cellSize), tile.Width < cellSize ? sharp : smooth);
                    if (tile.Caption is not null) canvas.DrawText(tile.Caption, left, cellTop + cellSize + TextSize + 1, font);
                }
            }
        }
        using var encoded = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.Write(path, s => encoded.SaveTo(s));
    }

    private static SKImage ToImage(Tile tile)
    {
        var rgba = new byte[tile.Width * tile.Height * 4];
        for (int i = 0; i < tile.Width * tile.Height; i++)
        {
            rgba[4 * i] = tile.Rgb[3 * i];
            rgba[4 * i + 1] = tile.Rgb[3 * i + 1];
            rgba[4 * i + 2] = tile.Rgb[3 * i + 2];
            rgba[4 * i + 3] = 255;
        }
        var info = new SKImageInfo(tile.Width, tile.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var data = SKData.CreateCopy(rgba);
        return SKImage.FromPixels(info, data, tile.Width * 4);
    }
}
