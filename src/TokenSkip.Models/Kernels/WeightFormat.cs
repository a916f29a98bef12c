namespace TokenSkip.Models.Kernels;

/// <summary>The element type of a weight matrix the CPU kernels read.</summary>
public enum WeightFormat
{
    /// <summary>IEEE float32 (4 bytes).</summary>
    Float32,

    /// <summary>bfloat16 (2 bytes): the upper half of a float32.</summary>
    BFloat16,

    /// <summary>IEEE float16 (2 bytes).</summary>
    Float16,
}
