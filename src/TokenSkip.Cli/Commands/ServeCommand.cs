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
/// embedded default model is served unless a model is given. Runs until Ctrl+C / SIGTERM, then drains: new requests get
/// 503, accepted ones finish within the shutdown timeout (or end with a clean error), the model is released, exit code 0.
/// A model folder that cannot be loaded is one <c>error: &lt;file&gt;: &lt;what&gt;</c> line and exit code 1, as in the other commands.
/// </summary>
internal static class ServeCommand
{
    public static Command Create(CliConsole console)
    {
        var model = new Option<string?>("--model", "-m") { Description = "Model folder (Hugging Face layout with tokenizer.json) or .gguf file; default: the embedded model." };
        var adapter = new Option<string?>("--adapter") { Description = "PEFT LoRA adapter folder to merge into the model." };
        var port = new Option<int?>("--port") { Description = "TCP port (default 8080; 0 picks a free one)." };
        var host = new Option<string?>("--host") { Description = "Address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)." };
        var apiKey = new Option<string?>("--api-key") { Description = "Require 'Authorization: Bearer KEY' on /v1 requests (needed to listen beyond loopback)." };
        var allowUnauthenticated = new Option<bool>("--allow-unauthenticated")
        {
            Description = "Listen beyond loopback without an API key (logs a warning); without it such a --host is refused.",
        };
        var shutdownTimeout = new Option<double?>("--shutdown-timeout")
        {
            Description = "Seconds accepted requests get to finish after SIGTERM/Ctrl+C before they are ended with an error (default 30).",
        };
        var device = new Option<string?>("--device") { Description = "cpu, cuda or cuda:N (default cpu)." };
        var dtype = new Option<string?>("--dtype") { Description = "float32, bfloat16 or float16 (default: bfloat16 on CUDA, float32 on CPU)." };
        var threads = new Option<int?>("--threads") { Description = "CPU threads for tensor operations (default: libtorch's choice)." };
        var quantize = new Option<string?>("--quantize") { Description = $"Quantize the weights at load ({TokenSkip.Models.Quantization.QuantizationTypes.Names}; CPU only)." };
        var maxBatch = new Option<int?>("--max-batch-size") { Description = "Requests decoded together (KV cache slots; default 16)." };
        var context = new Option<int?>("--context") { Description = "Tokens per request, prompt plus completion (default 2048, at most the model's)." };

        var command = new Command("serve", "Serve a TokenSkip model over an OpenAI-compatible HTTP API (chat and text completions, SSE streaming).");
        foreach (var option in new Option[] { model, adapter, port, host, apiKey, allowUnauthenticated, device, dtype, threads, quantize, maxBatch, context, shutdownTimeout })
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
                options.Quantize = parse.GetValue(quantize) ?? options.Quantize;
                options.Threads = parse.GetValue(threads) ?? options.Threads;
                options.MaxBatchSize = parse.GetValue(maxBatch) ?? options.MaxBatchSize;
                options.ContextTokens = parse.GetValue(context) ?? options.ContextTokens;
                options.AllowUnauthenticated |= parse.GetValue(allowUnauthenticated);
                if (parse.GetValue(shutdownTimeout) is { } seconds)
                {
                    options.ShutdownTimeout = double.IsFinite(seconds) && seconds >= 0
                        ? TimeSpan.FromSeconds(seconds)
                        : throw new ArgumentException($"--shutdown-timeout must be a number of seconds >= 0; got {seconds}");
                }
            });

            // A failed load is reported below as one line; from then on the logs would only repeat it with stack traces.
            ModelWorker? worker = null;
            LogSilencer.SilenceWhile(builder.Services, () => worker is { State: WorkerState.Failed });
            await using var app = TokenSkipServer.Build(builder);
            var settings = app.Services.GetRequiredService<IOptions<TokenSkipServerOptions>>().Value;
            var folder = FolderModelLoader.ResolveFolder(settings);
            worker = app.Services.GetRequiredService<ModelWorker>();
            var verbose = parse.GetValue(GlobalOptions.Verbose);

            // From here on the host owns SIGTERM/SIGINT (its console lifetime drains the worker); the command's token
            // also stops it. Either way the method returns only after the model thread has released the model.
            try
            {
                await app.StartAsync(CancellationToken.None);
            }
            catch (OperationCanceledException) when (worker.State == WorkerState.Failed)
            {
                // The load failed while the host was still starting: the failed BackgroundService stops the host, which
                // cancels its start. It is reported below, like a load that fails later.
            }

            console.Error.WriteLine($"tokenskip serve: loading {folder}");
            bool loaded;
            try
            {
                loaded = await worker.Loaded.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await app.StopAsync(CancellationToken.None);
                return 0;
            }

            if (!loaded)
            {
                await app.StopAsync(CancellationToken.None);
                // Null when stopped by a signal while loading; else "error: <file>: <what>" (the stack only with --verbose).
                return worker.LoadError is null ? 0 : console.Fail(worker.LoadError, verbose);
            }

            console.Out.WriteLine($"Serving {worker.Info.ModelId} at {string.Join(", ", app.Urls)} " +
                $"(OpenAI API under /v1{(settings.ApiKey is null ? string.Empty : ", API key required")}; health at /health/ready)");
            await app.WaitForShutdownAsync(cancellationToken);

            // A model thread that crashed (it logged the stack) stopped the host: that is a failure, not a clean stop.
            return worker.ExecuteTask is { IsFaulted: true } crashed ? console.Fail(crashed.Exception!.InnerExceptions[0], verbose) : 0;
        });
        return command;
    }
}
