namespace RepLens.Plugins.Brain.IO;

/// <summary>The NIfTI-1 <c>datatype</c> codes RepLens reads (nifti1.h: <c>DT_UINT8</c> = 2, …).</summary>
public enum NiftiDataType : short
{
    /// <summary>Unsigned 8-bit integers (<c>DT_UINT8</c>).</summary>
    UInt8 = 2,

    /// <summary>Signed 16-bit integers (<c>DT_INT16</c>).</summary>
    Int16 = 4,

    /// <summary>Signed 32-bit integers (<c>DT_INT32</c>).</summary>
    Int32 = 8,

    /// <summary>32-bit floats (<c>DT_FLOAT32</c>).</summary>
    Float32 = 16,

    /// <summary>64-bit floats (<c>DT_FLOAT64</c>).</summary>
    Float64 = 64,

    /// <summary>Signed 8-bit integers (<c>DT_INT8</c>).</summary>
    Int8 = 256,

    /// <summary>Unsigned 16-bit integers (<c>DT_UINT16</c>).</summary>
    UInt16 = 512,

    /// <summary>Unsigned 32-bit integers (<c>DT_UINT32</c>).</summary>
    UInt32 = 768,

    /// <summary>Signed 64-bit integers (<c>DT_INT64</c>).</summary>
    Int64 = 1024,

    /// <summary>Unsigned 64-bit integers (<c>DT_UINT64</c>).</summary>
    UInt64 = 1280,
}
