namespace RepLens.Plugins.Brain.Simulation;

/// <summary>Settings of <see cref="SimulatedAlgonautsDataset.Write"/>; the defaults make a small data set for tests.</summary>
public sealed record SimulatedAlgonautsOptions
{
    /// <summary>Seed of every random draw: the same options give byte-identical files.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Number of subjects (<c>subj01</c>, <c>subj02</c>, …).</summary>
    public int Subjects { get; init; } = 4;

    /// <summary>Number of distinct images.</summary>
    public int Images { get; init; } = 60;

    /// <summary>Images seen by each subject (a prefix of the image list, shown in a subject-specific order); <c>null</c> = all for everyone.</summary>
    public IReadOnlyList<int>? ImagesPerSubject { get; init; }

    /// <summary>Vertices per ROI and hemisphere.</summary>
    public int VerticesPerRoi { get; init; } = 12;

    /// <summary>Vertices per hemisphere outside every ROI (label 0).</summary>
    public int UnlabeledVertices { get; init; } = 20;

    /// <summary>Dimensions of the low-level feature vector and of the semantic embedding.</summary>
    public int FeatureDimensions { get; init; } = 8;

    /// <summary>Standard deviation of the measurement noise; the signal of a vertex has unit variance.</summary>
    public double Noise { get; init; } = 0.7;

    /// <summary>ROIs to remove from some subjects.</summary>
    public IReadOnlyList<SimulatedRoiLoss> MissingRois { get; init; } = [];

    /// <summary>In every subject, this many vertices of V1v (left hemisphere) are NaN for one image.</summary>
    public int NanVertices { get; init; }

    /// <summary>Write decodable PNG images (32 × 32 grey, the low-level features drawn as 8 patches); otherwise empty files with the right names.</summary>
    public bool WriteImages { get; init; } = true;
}
