using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TokenSkip.Hosting.Worker;
using Xunit;

namespace TokenSkip.Hosting.Tests;

/// <summary>
/// Requests that go wrong before or beside the API's own checks: unknown paths and methods, bodies that are not JSON or
/// cannot be read, and failures inside the engine. Each gets OpenAI's error JSON with the status that says whose fault it is.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class EdgeErrorTests(ServedModelFixture model)
{
    [Theory]
    [InlineData("GET", "v1/nope")]
    [InlineData("POST", "v1/chat/completion")]
    [InlineData("GET", "")]
    public async Task AnUnknownPathIs404WithErrorJson(string method, string path)
    {
        await using var server = await RunningServer.StartAsync(model.Folder);

        using var response = await server.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        var error = await ErrorOf(response);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not_found", (string?)error["code"]);
        Assert.Equal("invalid_request_error", (string?)error["type"]);
        Assert.Contains($"{method} /{path}", (string?)error["message"]);
    }

    [Theory]
    [InlineData("GET", "v1/chat/completions", "POST")]
    [InlineData("PUT", "v1/completions", "POST")]
    [InlineData("POST", "v1/models", "GET")]
    [InlineData("DELETE", "health/ready", "GET")]
    public async Task AWrongMethodIs405WithErrorJsonAndTheAllowHeader(string method, string path, string allowed)
    {
        await using var server = await RunningServer.StartAsync(model.Folder);

        using var response = await server.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        var error = await ErrorOf(response);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains(allowed, response.Content.Headers.Allow);
        Assert.Equal("method_not_allowed", (string?)error["code"]);
        Assert.Contains(allowed, (string?)error["message"]);
    }

    [Theory]
    [InlineData("v1/chat/completions", "text/plain")]
    [InlineData("v1/chat/completions", "multipart/form-data; boundary=x")]
    [InlineData("v1/completions", "application/xml")]
    public async Task ABodyDeclaredAsAnotherMediaTypeIs415(string path, string contentType)
    {
        await using var server = await RunningServer.StartAsync(model.Folder);
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(Body(path)));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);

        using var response = await server.Client.PostAsync(path, content);
        var error = await ErrorOf(response);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("unsupported_media_type", (string?)error["code"]);
        Assert.Contains("application/json", (string?)error["message"]);
        await AssertStillServesAsync(server);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("application/x-www-form-urlencoded")] // what curl -d sends
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/vnd.api+json")]
    public async Task JsonWithoutADeclaredTypeOrAsCurlSendsItIsServed(string? contentType)
    {
        await using var server = await RunningServer.StartAsync(model.Folder);
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(Requests.Chat(maxTokens: 2).ToJsonString()));
        content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);

        using var response = await server.Client.PostAsync("v1/chat/completions", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("chat.completion", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["object"]);
    }

    [Fact]
    public async Task AMalformedChunkedBodyIs400()
    {
        await using var server = await RunningServer.StartAsync(model.Folder);
        const string request = "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" +
            "Transfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n";

        var response = await SendRawAsync(server.Address, request);

        Assert.StartsWith("HTTP/1.1 400", response, StringComparison.Ordinal);
        var error = JsonNode.Parse(FirstChunk(response))!["error"]!;
        Assert.Equal("invalid_request_body", (string?)error["code"]);
        Assert.Equal("invalid_request_error", (string?)error["type"]);
        Assert.Contains("could not be read", (string?)error["message"]);
        await AssertStillServesAsync(server);
    }

    public static TheoryData<string, Func<Exception>> EngineFailures => new()
    {
        { "v1/chat/completions", () => new ArgumentException("the decoder broke", "ids") },
        { "v1/chat/completions", () => new InvalidOperationException("the decoder broke") },
        { "v1/completions", () => new ArgumentException("the decoder broke") },
    };

    [Theory]
    [MemberData(nameof(EngineFailures))]
    public async Task AFailureInsideTheEngineIs500NotTheClientsFault(string path, Func<Exception> failure)
    {
        await using var server = await RunningServer.StartAsync(model.Folder, services: s => s.AddSingleton<IModelLoader>(provider =>
            new FaultyTokenizerLoader(new FolderModelLoader(provider.GetRequiredService<IOptions<TokenSkipServerOptions>>()), failure)));

        using var response = await server.PostAsync(path, Body(path));
        var error = await ErrorOf(response);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("server_error", (string?)error["type"]);
        Assert.Null((string?)error["param"]);
        Assert.Contains("the decoder broke", (string?)error["message"]);
        await server.AssertIdleAsync();
    }

    private static string Body(string path) => path.EndsWith("chat/completions", StringComparison.Ordinal)
        ? Requests.Chat(maxTokens: 2).ToJsonString()
        : """{"prompt": "Hello", "max_tokens": 2}""";

    private static async Task<string> SendRawAsync(Uri address, string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(address.Host, address.Port);
        await using var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await reader.ReadToEndAsync(timeout.Token); // the server closes the connection after a bad body
    }

    // The response body as Kestrel sends it (chunked): "<hex size>\r\n<data>\r\n0\r\n\r\n" after the headers.
    private static string FirstChunk(string response)
    {
        var body = response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        var sizeEnd = body.IndexOf("\r\n", StringComparison.Ordinal);
        return body.Substring(sizeEnd + 2, Convert.ToInt32(body[..sizeEnd], 16));
    }

    private static async Task<JsonNode> ErrorOf(HttpResponseMessage response)
    {
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        return body["error"]!;
    }

    private static async Task AssertStillServesAsync(RunningServer server)
    {
        using var response = await server.PostAsync("v1/chat/completions", Requests.Chat(maxTokens: 2));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await server.AssertIdleAsync();
    }
}
