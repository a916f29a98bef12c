namespace TokenSkip.Models.Lora;

/// <summary>The kinds of tensor a PEFT LoRA adapter file holds.</summary>
internal enum PeftKeyKind
{
    /// <summary><c>lora_A.weight</c>, shape [r, in].</summary>
    LoraA,

    /// <summary><c>lora_B.weight</c>, shape [out, r].</summary>
    LoraB,

    /// <summary>A parameter of a module in <c>modules_to_save</c>, stored in full.</summary>
    Saved,
}
