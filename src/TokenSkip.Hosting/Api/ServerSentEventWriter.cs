using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace TokenSkip.Hosting.Api;

/// <summary>Writes <c>text/event-stream</c> responses: one <c>data: {json}</c> event per write, flushed at once.</summary>
internal sealed class ServerSentEventWriter(HttpResponse response)
{
    private static readonly byte[] Prefix = "data: "u8.ToArray();
    private static readonly byte[] Separator = "\n\n"u8.ToArray();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task WriteJsonAsync(object payload, CancellationToken cancellationToken) =>
        WriteAsync(JsonSerializer.SerializeToUtf8Bytes(payload, payload.GetType(), ApiJson.Write), cancellationToken);

    public Task WriteDoneAsync(CancellationToken cancellationToken) => WriteAsync("[DONE]"u8.ToArray(), cancellationToken);

    public Task WriteRawJsonAsync(string json, CancellationToken cancellationToken) =>
        WriteAsync(System.Text.Encoding.UTF8.GetBytes(json), cancellationToken);

    private async Task WriteAsync(byte[] data, CancellationToken cancellationToken)
    {
        var writer = response.BodyWriter;
        writer.Write(Prefix);
        writer.Write(data);
        writer.Write(Separator);
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
