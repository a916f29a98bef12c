using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.SemanticKernel;
using TokenSkip.Plugins;

namespace TokenSkip.Samples.HostedReasoning;

/// <summary>Answers the sample's questions through the kernel's reasoning plugin, then stops the host.</summary>
internal sealed class QuestionWorker(Kernel kernel, SampleOptions options, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            foreach (var question in options.Questions)
            {
                var result = await kernel.InvokeAsync("reasoning", "solve",
                    new KernelArguments { ["question"] = question, ["budget"] = options.Budget }, stoppingToken);
                var solved = result.GetValue<SolveResult>()!;
                Console.WriteLine(question);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  answer {(solved.Answer.Length == 0 ? "-" : solved.Answer)}  γ={solved.CompressionRatio}  {solved.TokensUsed} of {options.Budget} tokens  ({solved.FinishReason})"));
                Console.WriteLine("  " + solved.Explanation);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            Environment.ExitCode = 1;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }
}
