using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using TokenSkip.Core.Answers;
using TokenSkip.Pipeline.Synthetic;
using TokenSkip.SemanticKernel;
using Xunit;
using Xunit.Abstractions;

namespace TokenSkip.Hosting.Tests;

/// <summary>
/// An Agent Framework agent with instructions answers the embedded model's held-out problems about as well as the same
/// agent without them: instructions go where the card says they do least harm, and TokenSkip's own prompt stays.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class AgentInstructionsTests(ServedModelFixture model, ITestOutputHelper output)
{
    private const string Instructions = "You are a careful math tutor. Work through the problem and give the final answer.";

    [Fact]
    public async Task AnAgentWithInstructionsAnswersWithinFivePointsOfTheSameAgentWithout()
    {
        var problems = WordProblemGenerator.Generate(seed: 9090, count: 100).ToList();
        using var engine = model.CreateLocalEngine();
        var client = new TokenSkipChatClient(engine, new TokenSkipChatClientOptions { ModelCard = Core.Calibration.ModelCard.TryLoad(model.Folder) });
        var plain = new ChatClientAgent(client, name: "solver");
        var instructed = new ChatClientAgent(client, instructions: Instructions, name: "tutor");

        var without = await AccuracyAsync(plain, problems);
        var with = await AccuracyAsync(instructed, problems);

        output.WriteLine($"placement {client.Policy.Placement}: without instructions {without:P0}, with {with:P0}");
        Assert.True(without >= 0.5 || Core.Calibration.ModelCard.TryLoad(model.Folder) is null, $"the served model answers only {without:P0}");
        Assert.InRange(with, without - 0.05, 1.0);
    }

    private static async Task<double> AccuracyAsync(AIAgent agent, IReadOnlyList<WordProblem> problems)
    {
        var correct = 0;
        foreach (var problem in problems)
        {
            var response = await agent.RunAsync(problem.Question);
            correct += AnswerScorer.IsCorrect(response.Text, problem.Answer, problem.Question) ? 1 : 0;
        }

        return (double)correct / problems.Count;
    }
}
