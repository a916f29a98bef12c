using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using TokenSkip.TestSupport;
using Xunit;

namespace TokenSkip.Cli.Tests;

public sealed class ServeCommandTests
{
    [Fact]
    public async Task ServesTheModelOnLoopbackUntilCancelled()
    {
        using var folder = new TempFolder();
        TinyChatModel.Write(folder.Path);
        var output = new LineCapture();
        var error = new LineCapture();
        using var stop = new CancellationTokenSource();

        var run = TokenSkipCli.RunAsync(["serve", "--model", folder.Path, "--port", "0", "--api-key", "k1", "--threads", "1"], output, error, stop.Token);
        var serving = await output.WaitForLineAsync("Serving", TimeSpan.FromSeconds(120));
        Assert.True(serving is not null, string.Join("\n", error.Lines));
        var address = Regex.Match(serving, @"http://127\.0\.0\.1:\d+").Value;
        using var client = new HttpClient { BaseAddress = new Uri(address + "/") };
        using var ready = await client.GetAsync("health/ready");
        using var anonymous = await client.GetAsync("v1/models");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "k1");
        using var chat = await client.PostAsync("v1/chat/completions", new StringContent(
            """{"messages": [{"role": "user", "content": "hi"}], "max_tokens": 3}""", Encoding.UTF8, "application/json"));
        await stop.CancelAsync();
        var code = await run.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Contains(Path.GetFileName(folder.Path), serving);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        Assert.Equal(0, code);
    }

    [Fact]
    public async Task AMissingModelFolderIsAOneLineError()
    {
        var (code, _, error) = await CliRunner.RunAsync("serve", "--model", "/nonexistent/model", "--port", "0");

        Assert.Equal(1, code);
        Assert.Contains("/nonexistent/model", error);
        Assert.Single(error.Trim().Split('\n'));
    }
}
