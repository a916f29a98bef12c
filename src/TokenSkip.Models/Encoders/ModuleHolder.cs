using TokenSkip.Models.Transformer;
using TorchSharp;

namespace TokenSkip.Models.Encoders;

/// <summary>A level of Hugging Face's module tree that only names its children (e.g. <c>attention</c>, <c>encoder</c>).</summary>
internal sealed class ModuleHolder(string name) : NamedModule(name)
{
    public void Add(string child, torch.nn.Module module) => register_module(child, module);
}
