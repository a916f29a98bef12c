using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TokenSkip.Cli.Infrastructure;
using TokenSkip.Hosting;
using TokenSkip.Hosting.Worker;

namespace TokenSkip.Cli.Commands;

/// <summary>
/// <c>tokenskip serve</c>: the OpenAI-compatible server (see TokenSkip.Hosting). Flags override the <c>TokenSkip:Server</c>
/// configuration (appsettings.json in the working directory, <c>TokenSkip__Server__*</c> environment variables); the
/// embedded default model is served unless a model is given. Runs until Ctrl+C / SIGTERM, then drains.
/// </summary>
internal static class ServeCommand
{
    public static Command Create(CliConsole console)
    {
        var model = new Option<string?>("--model", "-m") { Description = "Model folder (Hugging Face layout with tokenizer.json); default: the embedded model." };
        var adapter = new Option<string?>("--adapter") { Description = "PEFT LoRA adapter folder to merge into the model." };
        var port = new Option<int?>("--port") { Description = "TCP port (default 8080; 0 picks a free one)." };
        var host = new Option<string?>("--host") { Description = "Address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)." };
        var apiKey = new Option<string?>("--api-key") { Description = "Require 'Authorization: Bearer KEY' on /v1 requests." };
        var device = new Option<string?>("--device") { Description = "cpu, cuda or cuda:N (default cpu)." };
        var dtype = new Option<string?>("--dtype") { Description = "float32, bfloat16 or float16 (default: bfloat16 on CUDA, float32 on CPU)." };
        var threads = new Option<int?>("--threads") { Description = "CPU threads for tensor operations (default: libtorch's choice)." };
        var maxBatch = new Option<int?>("--max-batch-size") { Description = "Requests decoded together (KV cache slots; default 16)." };
        var context = new Option<int?>("--context") { Description = "Tokens per request, prompt plus completion (default 2048, at most the model's)." };

        var command = new Command("serve", "Serve a TokenSkip model over an OpenAI-compatible HTTP API (chat and text completions, SSE streaming).");
        foreach (var option in new Option[] { model, adapter, port, host, apiKey, device, dtype, threads, maxBatch, context })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            var builder = TokenSkipServer.CreateBuilder([], options =>
            {
                options.Model = parse.GetValue(model) ?? options.Model;
                options.Adapter = parse.GetValue(adapter) ?? options.Adapter;
                options.Port = parse.GetValue(port) ?? options.Port;
                options.Host = parse.GetValue(host) ?? options.Host;
                options.ApiKey = parse.GetValue(apiKey) ?? options.ApiKey;
                options.Device = parse.GetValue(device) ?? options.Device;
                options.DType = parse.GetValue(dtype) ?? options.DType;
                options.Threads = parse.GetValue(threads) ?? options.Threads;
                options.MaxBatchSize = parse.GetValue(maxBatch) ?? options.MaxBatchSize;
                options.ContextTokens = parse.GetValue(context) ?? options.ContextTokens;
            });
            await using var app = TokenSkipServer.Build(builder);
            var settings = app.Services.GetRequiredService<IOptions<TokenSkipServerOptions>>().Value;
            var folder = FolderModelLoader.ResolveFolder(settings);
            var worker = app.Services.GetRequiredService<ModelWorker>();
            await app.StartAsync(cancellationToken);
            console.Error.WriteLine($"tokenskip serve: loading {folder}");
            if (!await worker.Loaded.WaitAsync(cancellationToken))
            {
                await app.StopAsync(CancellationToken.None);
                throw worker.LoadError ?? new InvalidOperationException($"{folder}: the model could not be loaded");
            }

            console.Out.WriteLine($"Serving {worker.Info.ModelId} at {string.Join(", ", app.Urls)} " +
                $"(OpenAI API under /v1{(settings.ApiKey is null ? string.Empty : ", API key required")}; health at /health/ready)");
            await app.WaitForShutdownAsync(cancellationToken);
            return 0;
        });
        return command;
    }
}
