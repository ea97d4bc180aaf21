using RepLens.Plugins.Saliency;

namespace RepLens.Saliency.Tests;

/// <summary>Synthetic stimuli with known answers: discs and oriented bars, antialiased by 4 × 4 supersampling.</summary>
internal static class SyntheticImages
{
    public static ColorPlanes Uniform(int width, int height, float r, float g, float b)
    {
        var img = new ColorPlanes(width, height);
        Array.Fill(img.Red, r);
        Array.Fill(img.Green, g);
        Array.Fill(img.Blue, b);
        return img;
    }

    public static void Disc(ColorPlanes img, double cx, double cy, double radius, float r, float g, float b) =>
        Paint(img, cx - radius - 1, cy - radius - 1, cx + radius + 1, cy + radius + 1,
            (x, y) => (x - cx) * (x - cx) + (y - cy) * (y - cy) <= radius * radius, r, g, b);

    /// <summary>A bar centred at (cx, cy); <paramref name="degrees"/> counter-clockwise from horizontal as seen on screen.</summary>
    public static void Bar(ColorPlanes img, double cx, double cy, double length, double thickness, double degrees, float r, float g, float b)
    {
        double t = degrees * Math.PI / 180, c = Math.Cos(t), s = Math.Sin(t);
        double reach = length / 2 + thickness;
        Paint(img, cx - reach, cy - reach, cx + reach, cy + reach, (x, y) =>
        {
            double dx = x - cx, dyUp = cy - y;
            double along = dx * c + dyUp * s, across = -dx * s + dyUp * c;
            return Math.Abs(along) <= length / 2 && Math.Abs(across) <= thickness / 2;
        }, r, g, b);
    }

    private static void Paint(ColorPlanes img, double x0, double y0, double x1, double y1, Func<double, double, bool> inside, float r, float g, float b)
    {
        int xa = Math.Max(0, (int)Math.Floor(x0)), xb = Math.Min(img.Width - 1, (int)Math.Ceiling(x1));
        int ya = Math.Max(0, (int)Math.Floor(y0)), yb = Math.Min(img.Height - 1, (int)Math.Ceiling(y1));
        for (int y = ya; y <= yb; y++)
        {
            for (int x = xa; x <= xb; x++)
            {
                int hits = 0;
                for (int sy = 0; sy < 4; sy++)
                    for (int sx = 0; sx < 4; sx++)
                        if (inside(x + (sx + 0.5) / 4, y + (sy + 0.5) / 4)) hits++;
                if (hits == 0) continue;
                float a = hits / 16f;
                int i = y * img.Width + x;
                img.Red[i] = img.Red[i] * (1 - a) + r * a;
                img.Green[i] = img.Green[i] * (1 - a) + g * a;
                img.Blue[i] = img.Blue[i] * (1 - a) + b * a;
            }
        }
    }

    /// <summary>A grid of discs, all one colour except the one at (oddRow, oddColumn); returns the odd disc's centre.</summary>
    public static (ColorPlanes Image, double Cx, double Cy, double Radius) OddDisc(
        int width, int height, int rows, int columns, int oddRow, int oddColumn,
        (float R, float G, float B) background, (float R, float G, float B) distractor, (float R, float G, float B) odd)
    {
        var img = Uniform(width, height, background.R, background.G, background.B);
        double cw = (double)width / columns, ch = (double)height / rows, radius = Math.Min(cw, ch) * 0.3;
        double ox = 0, oy = 0;
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                double cx = (j + 0.5) * cw, cy = (i + 0.5) * ch;
                var c = i == oddRow && j == oddColumn ? odd : distractor;
                if (i == oddRow && j == oddColumn) { ox = cx; oy = cy; }
                Disc(img, cx, cy, radius, c.R, c.G, c.B);
            }
        }
        return (img, ox, oy, radius);
    }

    /// <summary>
    /// A grid of white bars on black, all at <paramref name="distractorDegrees"/> except one, inside a blank
    /// margin of <paramref name="margin"/> pixels; returns the odd bar's centre.
    /// </summary>
    public static (ColorPlanes Image, double Cx, double Cy, double Length) OddBar(
        int width, int height, int rows, int columns, int oddRow, int oddColumn, double distractorDegrees, double oddDegrees, int margin = 0)
    {
        var img = new ColorPlanes(width, height);
        double cw = (double)(width - 2 * margin) / columns, ch = (double)(height - 2 * margin) / rows;
        double length = Math.Min(cw, ch) * 0.6, thickness = length / 5;
        double ox = 0, oy = 0;
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                double cx = margin + (j + 0.5) * cw, cy = margin + (i + 0.5) * ch;
                bool odd = i == oddRow && j == oddColumn;
                if (odd) { ox = cx; oy = cy; }
                Bar(img, cx, cy, length, thickness, odd ? oddDegrees : distractorDegrees, 1f, 1f, 1f);
            }
        }
        return (img, ox, oy, length);
    }
}
