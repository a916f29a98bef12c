using System.Text.Json;
using Microsoft.AspNetCore.Http;
using TokenSkip.Hosting.Worker;

namespace TokenSkip.Hosting.Api;

/// <summary><c>GET /v1/models</c>: the one served model (503 until it is loaded).</summary>
internal static class ModelsEndpoint
{
    public static async Task HandleAsync(HttpContext http, ModelWorker worker)
    {
        try
        {
            var model = worker.RequireReady();
            var list = new ModelList([new ModelEntry(model.ModelId, worker.LoadedAt?.ToUnixTimeSeconds() ?? 0, worker.Info.ContextLength, model.Card)
            {
                Family = ModelEntry.FamilyName(worker.Info.Family),
            }]);
            http.Response.ContentType = "application/json; charset=utf-8";
            await http.Response.WriteAsync(JsonSerializer.Serialize(list, ApiJson.Write), http.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (!http.Response.HasStarted && e is not OperationCanceledException)
        {
            var (error, retryAfter) = ApiExceptionMapper.Map(e);
            await ApiErrorWriter.WriteAsync(http, error, retryAfter).ConfigureAwait(false);
        }
    }
}
