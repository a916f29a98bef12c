using Microsoft.Extensions.Diagnostics.HealthChecks;
using TokenSkip.Hosting.Worker;

namespace TokenSkip.Hosting.Health;

/// <summary>Readiness: healthy only while the model is loaded and the server accepts requests.</summary>
internal sealed class ModelReadinessHealthCheck(ModelWorker worker) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(worker.State switch
        {
            WorkerState.Ready => HealthCheckResult.Healthy(
                $"model {worker.Info.ModelId} loaded; {worker.ActiveSequences} running, {worker.QueuedRequests} queued"),
            WorkerState.Loading => HealthCheckResult.Unhealthy("the model is loading"),
            WorkerState.Failed => HealthCheckResult.Unhealthy($"the model failed to load: {worker.LoadError?.Message}"),
            _ => HealthCheckResult.Unhealthy("the server is shutting down"),
        });
}
