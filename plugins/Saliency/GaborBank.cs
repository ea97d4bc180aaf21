namespace RepLens.Plugins.Saliency;

/// <summary>
/// The orientation filters: even-symmetric (cosine-phase) Gabor kernels, "the product of a cosine grating
/// and a 2D Gaussian envelope" (Itti et al. 1998, §2.1), made zero-mean so that a uniform region gives no
/// response, applied to a pyramid level.
/// </summary>
/// <remarks>
/// Near the borders, where part of the kernel falls outside the level, the kernel is restricted to the
/// part inside and made zero-mean again over that part (the same admissibility correction, on the valid
/// support). Mirror padding would instead show the filter mirrored structure, and a mirror turns a 45° bar
/// into a 135° one, so that oriented texture near an edge would look like an orientation pop-out.
/// </remarks>
internal sealed class GaborBank
{
    private readonly int _size;
    private readonly float[][] _kernels;
    private readonly double[] _envelope1D;   // e(d) = exp(−d²/2σ²), d = −r … r; the 2-D envelope is e(dx)·e(dy)
    private readonly double[][] _kernelSat;  // per kernel, a (size + 1)² summed-area table in double

    public GaborBank(IReadOnlyList<double> orientationsDegrees, double wavelength, double sigma, int size)
    {
        _size = size;
        int r = size / 2;
        _envelope1D = new double[size];
        for (int i = 0; i < size; i++) _envelope1D[i] = Math.Exp(-(double)(i - r) * (i - r) / (2 * sigma * sigma));
        _kernels = orientationsDegrees.Select(theta => Create(theta, wavelength, sigma, size)).ToArray();
        _kernelSat = _kernels.Select(k => SummedArea(k, size)).ToArray();
    }

    public int Count => _kernels.Length;

    public IReadOnlyList<float[]> Kernels => _kernels;

    /// <summary>
    /// A (size × size) kernel, row-major, row 0 at the top. <paramref name="orientationDegrees"/> is the
    /// orientation of the bars the kernel prefers, counter-clockwise from the image's horizontal axis as seen
    /// on screen (0° horizontal, 45° "/", 90° vertical, 135° "\"); the grating varies across that direction.
    /// k(x, y) = e^{−(x² + y²)/(2σ²)}·(cos(2π·t/λ) − c), t the signed distance across the bars, c the constant
    /// that makes the kernel sum to zero (the admissibility correction of the Morlet wavelet); then scaled to
    /// unit L1 norm.
    /// </summary>
    public static float[] Create(double orientationDegrees, double wavelength, double sigma, int size)
    {
        int r = size / 2;
        double theta = orientationDegrees * Math.PI / 180.0;
        double nx = -Math.Sin(theta), ny = Math.Cos(theta); // unit normal to the bars, (x right, y up)
        var env = new double[size * size];
        var cos = new double[size * size];
        double sumEnv = 0, sumEnvCos = 0;
        for (int i = 0; i < size; i++)
        {
            double yUp = r - i;
            for (int j = 0; j < size; j++)
            {
                double x = j - r;
                double e = Math.Exp(-(x * x + yUp * yUp) / (2 * sigma * sigma));
                double c = Math.Cos(2 * Math.PI * (x * nx + yUp * ny) / wavelength);
                env[i * size + j] = e;
                cos[i * size + j] = c;
                sumEnv += e;
                sumEnvCos += e * c;
            }
        }
        double dc = sumEnvCos / sumEnv;
        var k = new double[size * size];
        double l1 = 0;
        for (int t = 0; t < k.Length; t++)
        {
            k[t] = env[t] * (cos[t] - dc);
            l1 += Math.Abs(k[t]);
        }
        var result = new float[k.Length];
        for (int t = 0; t < k.Length; t++) result[t] = (float)(k[t] / l1);
        return result;
    }

    /// <summary>O(θ) for every kernel on one level.</summary>
    public Plane[] Filter(Plane level)
    {
        int r = _size / 2;
        var outputs = PlaneOps.CorrelateZeroPadded(level, _kernels, _size);
        int w = level.Width, h = level.Height;
        if (r == 0) return outputs;

        // Border pixels: R = Σ_in k·I − (Σ_in k)·(Σ_in e·I / Σ_in e).
        var envMean = EnvelopeMean(level);
        for (int y = 0; y < h; y++)
        {
            int i0 = Math.Max(0, r - y), i1 = Math.Min(_size - 1, r + (h - 1 - y));
            bool rowClipped = i0 > 0 || i1 < _size - 1;
            for (int x = 0; x < w; x++)
            {
                int j0 = Math.Max(0, r - x), j1 = Math.Min(_size - 1, r + (w - 1 - x));
                if (!rowClipped && j0 == 0 && j1 == _size - 1) continue;
                float mean = envMean[y * w + x];
                for (int k = 0; k < _kernels.Length; k++)
                {
                    float ksum = (float)RectSum(_kernelSat[k], i0, i1, j0, j1);
                    outputs[k].Data[y * w + x] -= ksum * mean;
                }
            }
        }
        return outputs;
    }

    /// <summary>Σ_in e·I / Σ_in e at every pixel, e the Gabor envelope restricted to the level (separable).</summary>
    private float[] EnvelopeMean(Plane level)
    {
        int r = _size / 2, w = level.Width, h = level.Height;
        var s = level.Data;
        var tmp = new double[w * h];
        var wsumX = new double[w];
        for (int x = 0; x < w; x++)
            for (int j = -r; j <= r; j++)
                if (x + j >= 0 && x + j < w) wsumX[x] += _envelope1D[j + r];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                double a = 0;
                for (int j = -r; j <= r; j++)
                    if (x + j >= 0 && x + j < w) a += _envelope1D[j + r] * s[y * w + x + j];
                tmp[y * w + x] = a / wsumX[x];
            }
        }
        var mean = new float[w * h];
        for (int y = 0; y < h; y++)
        {
            double wsum = 0;
            for (int i = -r; i <= r; i++)
                if (y + i >= 0 && y + i < h) wsum += _envelope1D[i + r];
            for (int x = 0; x < w; x++)
            {
                double a = 0;
                for (int i = -r; i <= r; i++)
                    if (y + i >= 0 && y + i < h) a += _envelope1D[i + r] * tmp[(y + i) * w + x];
                mean[y * w + x] = (float)(a / wsum);
            }
        }
        return mean;
    }

    private static double[] SummedArea(float[] k, int size)
    {
        int n = size + 1;
        var sat = new double[n * n];
        for (int i = 0; i < size; i++)
            for (int j = 0; j < size; j++)
                sat[(i + 1) * n + j + 1] = k[i * size + j] + sat[i * n + j + 1] + sat[(i + 1) * n + j] - sat[i * n + j];
        return sat;
    }

    private double RectSum(double[] sat, int i0, int i1, int j0, int j1)
    {
        int n = _size + 1;
        return sat[(i1 + 1) * n + j1 + 1] - sat[i0 * n + j1 + 1] - sat[(i1 + 1) * n + j0] + sat[i0 * n + j0];
    }
}
