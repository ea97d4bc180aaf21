using RepLens.Abstractions.IO;
using RepLens.TestSupport;

namespace RepLens.Imaging.Tests;

/// <summary>Paths of tests/fixtures/imaging (made by tools/fixtures/make_imaging_fixtures.py).</summary>
internal static class Fixtures
{
    public static string Path(string name) => Repo.Fixture("imaging", name);

    public static NpyArray<float> Npy(string name) => RepLens.Abstractions.IO.Npy.ReadFloat32(Path(name));
}
