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
    /// <c>GGML_TYPE_Q5_0</c> (read from GGUF files only): blocks of 32 weights in 22 bytes, a float16 scale d, 4 bytes of
    /// fifth bits and 16 bytes of low nibbles; weight = (q − 16)·d.
    /// </summary>
    Q5_0 = 6,

    /// <summary>
    /// <c>GGML_TYPE_Q8_0</c>: blocks of 32 weights in 34 bytes, a float16 scale d then 32 signed bytes q; weight = q·d.
    /// 8.5 bits per weight.
    /// </summary>
    Q8_0 = 8,

    /// <summary>
    /// <c>GGML_TYPE_Q4_K</c> (read from GGUF files only): super-blocks of 256 weights in 144 bytes, float16 d and dmin,
    /// 12 bytes of 6-bit scales and mins for eight sub-blocks of 32, and 128 bytes of 4-bit codes; weight = d·sc·q − dmin·m.
    /// </summary>
    Q4_K = 12,

    /// <summary>
    /// <c>GGML_TYPE_Q6_K</c> (read from GGUF files only): super-blocks of 256 weights in 210 bytes, 128 bytes of low
    /// nibbles, 64 of high 2-bit pairs, 16 signed 8-bit scales (one per 16 weights) and a float16 d; weight = d·sc·(q − 32).
    /// </summary>
    Q6_K = 14,
}
