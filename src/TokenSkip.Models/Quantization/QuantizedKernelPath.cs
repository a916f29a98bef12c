namespace TokenSkip.Models.Quantization;

/// <summary>The instruction sets a <see cref="QuantizedMatrixVector"/> product can run on.</summary>
public enum QuantizedKernelPath
{
    /// <summary><see cref="System.Numerics.Vector{T}"/> only: any CPU .NET vectorises for (and scalar code elsewhere).</summary>
    Portable,

    /// <summary>AVX2 with FMA: 8-bit products through <c>vpmaddubsw</c>/<c>vpmaddwd</c>.</summary>
    Avx2,

    /// <summary>AVX2 with AVX-VNNI: 8-bit dot products in one <c>vpdpbusd</c>.</summary>
    Avx2Vnni,

    /// <summary>AVX-512 BW: two blocks per 512-bit register.</summary>
    Avx512,
}
