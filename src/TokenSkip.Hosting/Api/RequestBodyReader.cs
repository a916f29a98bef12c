using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace TokenSkip.Hosting.Api;

/// <summary>
/// Reads a JSON request body up to a limit (another declared media type is refused with 415, see
/// <see cref="RequestContentType"/>); a larger body is refused with 413 before or while it is read, and a body Kestrel
/// cannot read (malformed chunked encoding, cut short) with 400 <c>invalid_request_body</c>.
/// </summary>
internal static class RequestBodyReader
{
    public static async Task<ReadOnlyMemory<byte>> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        RequestContentType.Check(request);
        if (request.ContentLength > limit)
        {
            throw TooLarge(request.ContentLength.Value, limit);
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        using var body = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (body.Length + read > limit)
                {
                    throw TooLarge(null, limit);
                }

                body.Write(buffer, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(null, limit);
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel could not read the body (a bad chunk size, a body shorter than its Content-Length): the client's fault.
            throw new ApiException(e.StatusCode is >= 400 and < 500 ? e.StatusCode : StatusCodes.Status400BadRequest,
                $"the request body could not be read: {e.Message}", null, "invalid_request_body");
        }

        return body.GetBuffer().AsMemory(0, (int)body.Length);
    }

    private static ApiException TooLarge(long? length, long limit) => new(StatusCodes.Status413PayloadTooLarge,
        $"the request body{(length is { } n ? $" ({n} bytes)" : string.Empty)} is larger than this server's limit of {limit} bytes",
        null, "request_too_large");
}
