using TokenSkip.Core.Engine;

namespace TokenSkip.Core.Remote;

/// <summary>What the replicas' <c>/models</c> said: the model's info, its served name, and whether the server is <c>tokenskip serve</c>.</summary>
internal sealed record ServedModel(EngineInfo Info, string? Name, bool IsTokenSkipServer);
