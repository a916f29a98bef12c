using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TokenSkip.Core.Tests.Remote;

/// <summary>
/// An <see cref="HttpMessageHandler"/> standing in for several replicas: each host answers with its own script (per call
/// number to that host), <c>GET /models</c> included; records the calls.
/// </summary>
internal sealed class ScriptedReplicas : HttpMessageHandler
{
    private readonly ConcurrentDictionary<string, Func<HttpRequestMessage, int, HttpResponseMessage>> _scripts = new();
    private readonly ConcurrentDictionary<string, int> _calls = new();
    private readonly ConcurrentDictionary<string, byte> _down = new();

    public ConcurrentQueue<(string Host, string Path, string? Body)> Log { get; } = new();

    public static Uri Endpoint(string host) => new($"http://{host}:8000/v1/");

    public static string Sse(params string[] texts) =>
        string.Concat(texts.Select((t, i) => $"data: {{\"choices\":[{{\"index\":0,\"text\":\"{t}\",\"finish_reason\":{(i == texts.Length - 1 ? "\"stop\"" : "null")}}}]}}\n\n"))
        + $"data: {{\"choices\":[],\"usage\":{{\"prompt_tokens\":3,\"completion_tokens\":{texts.Length}}}}}\n\ndata: [DONE]\n\n";

    public static HttpResponseMessage Ok(string body) => new(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "text/event-stream") };

    public static HttpResponseMessage Status(HttpStatusCode status, TimeSpan? retryAfter = null)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent("{\"error\":\"busy\"}") };
        if (retryAfter is { } after)
        {
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(after);
        }

        return response;
    }

    public static HttpResponseMessage Refused() =>
        throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused", new SocketException((int)SocketError.ConnectionRefused));

    /// <summary>A 200 whose stream delivers <paramref name="prefix"/> and then breaks, as a killed replica's does.</summary>
    public static HttpResponseMessage BreaksAfter(string prefix) => new(HttpStatusCode.OK) { Content = new BreakingContent(prefix) };

    public ScriptedReplicas Serve(string host, Func<HttpRequestMessage, int, HttpResponseMessage> script)
    {
        _scripts[host] = script;
        return this;
    }

    /// <summary>Takes <paramref name="host"/> down (connections refused, <c>/models</c> too) or brings it back up.</summary>
    public ScriptedReplicas Down(string host, bool down = true)
    {
        if (down)
        {
            _down[host] = 0;
        }
        else
        {
            _down.TryRemove(host, out _);
        }

        return this;
    }

    public int Calls(string host, string path = "completions") => Log.Count(c => c.Host == host && c.Path.EndsWith(path, StringComparison.Ordinal));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var host = request.RequestUri!.Host;
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Log.Enqueue((host, request.RequestUri.AbsolutePath, body));
        if (request.Method == HttpMethod.Get)
        {
            return _down.ContainsKey(host)
                ? Refused()
                : new HttpResponseMessage(HttpStatusCode.OK)
                {
                    Content = new StringContent("""{"object":"list","data":[{"id":"m","object":"model","max_model_len":1024,"family":"qwen2"}]}"""),
                };
        }

        if (_down.ContainsKey(host))
        {
            return Refused();
        }

        var call = _calls.AddOrUpdate(host, 1, (_, n) => n + 1);
        return _scripts[host](request, call);
    }

    private sealed class BreakingContent(string prefix) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => throw new NotSupportedException();

        protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult<Stream>(new BreakingStream(Encoding.UTF8.GetBytes(prefix)));

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    private sealed class BreakingStream(byte[] prefix) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position >= prefix.Length)
            {
                throw new IOException("The response ended prematurely (connection reset by peer).");
            }

            var n = Math.Min(count, prefix.Length - _position);
            Array.Copy(prefix, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
