namespace TokenSkip.Models.Quantization;

/// <summary>
/// A block-quantized weight format, with the byte layout of ggml (llama.cpp's GGUF files), so a GGUF tensor of that type
/// is used as it is stored. Values are the <c>ggml_type</c> codes.
/// </summary>
public enum QuantizationType
{
    /// <summary>
    /// <c>GGML_TYPE_Q4_0</c>: blocks of 32 weights in 18 bytes, a float16 scale d then 16 bytes of 4-bit codes q (byte j
    /// holds weight j in its low nibble and weight j+16 in its high nibble); weight = (q − 8)·d. 4.5 bits per weight.
    /// </summary>
    Q4_0 = 2,

    /// <summary>
    /// <c>GGML_TYPE_Q8_0</c>: blocks of 32 weights in 34 bytes, a float16 scale d then 32 signed bytes q; weight = q·d.
    /// 8.5 bits per weight.
    /// </summary>
    Q8_0 = 8,
}
