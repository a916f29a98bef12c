namespace TokenSkip.Hosting.Api;

/// <summary>Checks a request's <c>model</c> against the served id (absent is fine; another id is 404, as OpenAI answers).</summary>
internal static class ServedModel
{
    public static void Check(string? requested, string served)
    {
        if (requested is not null && !string.Equals(requested, served, StringComparison.Ordinal))
        {
            throw new ApiException(404, $"the model '{requested}' does not exist; this server serves '{served}'", "model", "model_not_found");
        }
    }
}
