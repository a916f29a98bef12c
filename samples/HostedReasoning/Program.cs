// DI/hosting sample: the TokenSkip model registered in a generic host with AddTokenSkipChatClient (keyed by service
// id, engine created and disposed by the container), a Kernel built from the same container with the reasoning plugin,
// and a hosted service that answers questions with per-call token budgets.
//
//   dotnet run --project samples/HostedReasoning -- [--model DIR] [--budget 200] "question" ...
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using TokenSkip.Core.Calibration;
using TokenSkip.Models;
using TokenSkip.Models.Inference;
using TokenSkip.Plugins;
using TokenSkip.Samples.HostedReasoning;
using TokenSkip.SemanticKernel;

var options = SampleOptions.Parse(args);
var folder = options.Model ?? DefaultModel.Find();
if (folder is null)
{
    Console.Error.WriteLine("error: the embedded default model (models/tokenskip-default) was not found; pass --model DIR or set TOKENSKIP_DEFAULT_MODEL.");
    return 1;
}

var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddTokenSkipChatClient(modelPath: folder, serviceId: "tokenskip");
builder.Services.AddSingleton(options);
builder.Services.AddSingleton(services => KernelPluginFactory.CreateFromObject(
    new ReasoningPlugin(services.GetRequiredKeyedService<IChatClient>("tokenskip")), "reasoning"));
builder.Services.AddKernel();
builder.Services.AddHostedService<QuestionWorker>();

using var host = builder.Build();
await host.RunAsync();
return Environment.ExitCode;
