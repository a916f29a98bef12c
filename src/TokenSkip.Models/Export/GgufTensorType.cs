namespace TokenSkip.Models.Export;

/// <summary>The tensor element types this writer produces (their <c>ggml_type</c> codes).</summary>
public enum GgufTensorType : uint
{
    /// <summary><c>GGML_TYPE_F32</c>.</summary>
    F32 = 0,

    /// <summary><c>GGML_TYPE_F16</c> (IEEE half precision).</summary>
    F16 = 1,
}
