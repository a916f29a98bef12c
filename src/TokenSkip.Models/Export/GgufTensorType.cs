namespace TokenSkip.Models.Export;

/// <summary>GGUF tensor element types (their <c>ggml_type</c> codes): the ones this project reads or writes, and the common ones it refuses by name.</summary>
public enum GgufTensorType : uint
{
    /// <summary><c>GGML_TYPE_F32</c>.</summary>
    F32 = 0,

    /// <summary><c>GGML_TYPE_F16</c> (IEEE half precision).</summary>
    F16 = 1,

    /// <summary><c>GGML_TYPE_Q4_0</c> (see <see cref="Quantization.QuantizationType.Q4_0"/>).</summary>
    Q4_0 = 2,

    /// <summary><c>GGML_TYPE_Q4_1</c> (not supported).</summary>
    Q4_1 = 3,

    /// <summary><c>GGML_TYPE_Q5_0</c> (read only).</summary>
    Q5_0 = 6,

    /// <summary><c>GGML_TYPE_Q5_1</c> (not supported).</summary>
    Q5_1 = 7,

    /// <summary><c>GGML_TYPE_Q8_0</c> (see <see cref="Quantization.QuantizationType.Q8_0"/>).</summary>
    Q8_0 = 8,

    /// <summary><c>GGML_TYPE_Q2_K</c> (not supported).</summary>
    Q2_K = 10,

    /// <summary><c>GGML_TYPE_Q3_K</c> (not supported).</summary>
    Q3_K = 11,

    /// <summary><c>GGML_TYPE_Q4_K</c> (read only).</summary>
    Q4_K = 12,

    /// <summary><c>GGML_TYPE_Q5_K</c> (not supported).</summary>
    Q5_K = 13,

    /// <summary><c>GGML_TYPE_Q6_K</c> (read only).</summary>
    Q6_K = 14,

    /// <summary><c>GGML_TYPE_BF16</c>.</summary>
    BF16 = 30,
}
