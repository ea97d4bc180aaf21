namespace RepLens.Abstractions.IO;

/// <summary>
/// The element types of <c>.npy</c> files that RepLens reads and writes (little-endian or single-byte
/// NumPy dtypes). Anything else (complex, object, strings, structured, datetime, big-endian) is refused.
/// </summary>
public enum NpyDataType
{
    /// <summary><c>|b1</c>: NumPy bool, one byte, 0 or 1.</summary>
    Bool,

    /// <summary><c>|i1</c>: signed 8-bit integer.</summary>
    Int8,

    /// <summary><c>|u1</c>: unsigned 8-bit integer.</summary>
    UInt8,

    /// <summary><c>&lt;i2</c>: signed 16-bit integer.</summary>
    Int16,

    /// <summary><c>&lt;u2</c>: unsigned 16-bit integer.</summary>
    UInt16,

    /// <summary><c>&lt;i4</c>: signed 32-bit integer.</summary>
    Int32,

    /// <summary><c>&lt;u4</c>: unsigned 32-bit integer.</summary>
    UInt32,

    /// <summary><c>&lt;i8</c>: signed 64-bit integer.</summary>
    Int64,

    /// <summary><c>&lt;u8</c>: unsigned 64-bit integer.</summary>
    UInt64,

    /// <summary><c>&lt;f2</c>: IEEE half precision.</summary>
    Float16,

    /// <summary><c>&lt;f4</c>: IEEE single precision.</summary>
    Float32,

    /// <summary><c>&lt;f8</c>: IEEE double precision.</summary>
    Float64,
}
