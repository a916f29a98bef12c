namespace TokenSkip.Models.Configuration;

/// <summary>The decoder architectures this engine runs.</summary>
public enum ModelArchitecture
{
    /// <summary><c>Qwen2ForCausalLM</c> (Qwen2 / Qwen2.5): q/k/v biases, no o_proj bias.</summary>
    Qwen2,

    /// <summary><c>LlamaForCausalLM</c> (Llama 2/3/3.1 and compatible): optional attention and MLP biases.</summary>
    Llama,
}
