using TorchSharp;

namespace TokenSkip.Models.Transformer;

/// <summary>
/// Base of the model's modules: each registers its parameters and children explicitly under Hugging Face's names.
/// TorchSharp's reflection-based registration is switched off because it would register property backing
/// fields a second time under names like <c>&lt;Weight&gt;k__BackingField</c>.
/// </summary>
public abstract class NamedModule : torch.nn.Module
{
    /// <summary>Creates the module.</summary>
    protected NamedModule(string name) : base(name)
    {
    }

    /// <summary>Removes the parameter registered as <paramref name="name"/> (its weights now live elsewhere, e.g. quantized).</summary>
    protected void Unregister(string name) => ConditionallyRegisterParameter(name, null!);

    /// <inheritdoc />
    protected override void RegisterComponents()
    {
    }
}
