using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace TokenSkip.Hosting.Api;

/// <summary>
/// Which request bodies are read as JSON: no <c>Content-Type</c>, <c>application/json</c>, any <c>*/*+json</c>, and
/// <c>application/x-www-form-urlencoded</c> (what <c>curl -d</c> sends when no type is given; the body is parsed as JSON all
/// the same). Any other declared type (<c>text/plain</c>, <c>multipart/form-data</c>, ...) is refused with 415.
/// </summary>
internal static class RequestContentType
{
    public static void Check(HttpRequest request)
    {
        var declared = request.ContentType;
        if (string.IsNullOrWhiteSpace(declared))
        {
            return;
        }

        if (!MediaTypeHeaderValue.TryParse(declared, out var media) || !IsJsonLike(media))
        {
            throw new ApiException(StatusCodes.Status415UnsupportedMediaType,
                $"the request body must be JSON (Content-Type: application/json); got Content-Type '{declared}'", null, "unsupported_media_type");
        }
    }

    private static bool IsJsonLike(MediaTypeHeaderValue media) =>
        media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase)
        || media.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
}
