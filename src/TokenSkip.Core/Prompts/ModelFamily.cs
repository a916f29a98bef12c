namespace TokenSkip.Core.Prompts;

/// <summary>The model families whose prompt formats TokenSkip defines.</summary>
public enum ModelFamily
{
    /// <summary>Qwen2 / Qwen2.5 (ChatML: <c>&lt;|im_start|&gt;role\n…&lt;|im_end|&gt;</c>).</summary>
    Qwen2,

    /// <summary>Llama 3 / 3.1 Instruct (<c>&lt;|start_header_id|&gt;role&lt;|end_header_id|&gt;</c> turns).</summary>
    Llama3,
}
