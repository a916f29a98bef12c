namespace TokenSkip.Models.Configuration;

/// <summary>
/// The <c>rope_scaling</c> options this engine implements: none, "linear" (positions divided by a factor) and
/// "llama3" (Llama 3.1's frequency-band rescaling).
/// </summary>
/// <param name="Type">"linear" or "llama3".</param>
/// <param name="Factor">The scaling factor.</param>
/// <param name="LowFrequencyFactor">llama3: <c>low_freq_factor</c>.</param>
/// <param name="HighFrequencyFactor">llama3: <c>high_freq_factor</c>.</param>
/// <param name="OriginalMaxPositions">llama3: <c>original_max_position_embeddings</c>.</param>
public sealed record RopeScaling(
    string Type,
    double Factor,
    double LowFrequencyFactor = 1,
    double HighFrequencyFactor = 4,
    int OriginalMaxPositions = 8192)
{
    /// <summary>Applies the scaling to the inverse frequencies of rotary embeddings (in place).</summary>
    public void Apply(float[] inverseFrequencies)
    {
        if (Type == "linear")
        {
            for (var i = 0; i < inverseFrequencies.Length; i++)
            {
                inverseFrequencies[i] = (float)(inverseFrequencies[i] / Factor);
            }

            return;
        }

        // llama3: long wavelengths are slowed by Factor, short ones kept, and the band between interpolated.
        var lowWavelength = OriginalMaxPositions / LowFrequencyFactor;
        var highWavelength = OriginalMaxPositions / HighFrequencyFactor;
        for (var i = 0; i < inverseFrequencies.Length; i++)
        {
            var frequency = (double)inverseFrequencies[i];
            var wavelength = 2 * Math.PI / frequency;
            if (wavelength < highWavelength)
            {
                continue;
            }

            if (wavelength > lowWavelength)
            {
                inverseFrequencies[i] = (float)(frequency / Factor);
                continue;
            }

            var smooth = (OriginalMaxPositions / wavelength - LowFrequencyFactor) / (HighFrequencyFactor - LowFrequencyFactor);
            inverseFrequencies[i] = (float)((1 - smooth) * frequency / Factor + smooth * frequency);
        }
    }
}
