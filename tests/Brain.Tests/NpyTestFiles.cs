using System.Text;

namespace RepLens.Brain.Tests;

internal static class NpyTestFiles
{
    /// <summary>Writes a Fortran-order float32 .npy (the contracts' writer writes C order only).</summary>
    public static void WriteFortranFloat32(string path, float[] cOrder, int rows, int columns)
    {
        var header = $"{{'descr': '<f4', 'fortran_order': True, 'shape': ({rows}, {columns}), }}";
        int total = 10 + header.Length + 1;
        header += new string(' ', (64 - total % 64) % 64) + "\n";
        using var fs = File.Create(path);
        fs.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        fs.Write(BitConverter.GetBytes((ushort)header.Length));
        fs.Write(Encoding.ASCII.GetBytes(header));
        for (int c = 0; c < columns; c++)
            for (int r = 0; r < rows; r++)
                fs.Write(BitConverter.GetBytes(cOrder[r * columns + c]));
    }
}
