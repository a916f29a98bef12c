using System.Diagnostics;
using TokenSkip.Core;
using TokenSkip.Core.IO;
using TokenSkip.Core.Prompts;
using TokenSkip.Core.Remote;
using TokenSkip.Core.Text;
using TokenSkip.Pipeline.Data;
using TokenSkip.Pipeline.Generation;
using TokenSkip.Pipeline.Stages;
using TokenSkip.TestSupport.Replicas;

namespace TokenSkip.ReplicaBench;

/// <summary>
/// The real <see cref="TrajectoryStage"/> over <see cref="RemoteStageEngine"/> against stub replicas on loopback, each
/// decoding <c>sequences</c> replies at once at <c>tokensPerSecond</c> per reply, as a GPU server would.
/// </summary>
internal sealed class TrajectoryBench(StubReplicaOptions replica, int tokens, int recordsPerReplica)
{
    /// <summary>Runs the stage over <paramref name="replicas"/> replicas; with <paramref name="killAt"/>, kills the first once that share of records is written.</summary>
    public async Task<BenchRun> RunAsync(int replicas, double? killAt)
    {
        var stubs = new List<StubReplica>();
        for (var i = 0; i < replicas; i++)
        {
            stubs.Add(await StubReplica.StartAsync(replica));
        }

        var folder = Directory.CreateTempSubdirectory("replica-bench-");
        try
        {
            var problems = Enumerable.Range(0, replicas * recordsPerReplica)
                .Select(i => new Problem($"q{i:D6}", $"Question {i}: how many apples are left?", "3", null)).ToArray();
            var concurrency = replicas * replica.MaxSequences;
            using var engine = RemoteStageEngine.Create(new OpenAICompatibleEngineOptions
            {
                Endpoints = stubs.Select(s => s.ApiRoot).ToArray(),
                Family = ModelFamily.Qwen2,
                Concurrency = concurrency,
                ProbeInterval = TimeSpan.FromSeconds(1),
            });
            var output = Path.Combine(folder.FullName, "trajectories.jsonl");
            var stage = new TrajectoryStage(engine, new TrajectoryOptions { BatchSize = concurrency, MaxNewTokens = tokens });
            Task? kill = null;
            var progress = new InlineProgress(p =>
            {
                if (killAt is { } share && kill is null && p.Done >= share * p.Total)
                {
                    kill = stubs[0].KillAsync();
                }
            });
            var clock = Stopwatch.StartNew();
            await Task.Run(() => stage.Run(problems, output, progress));
            var seconds = clock.Elapsed.TotalSeconds;
            if (kill is not null)
            {
                await kill;
            }

            return Check(replicas, killAt is not null, problems, JsonLines.Read<TrajectoryRecord>(output).ToList(), seconds);
        }
        finally
        {
            foreach (var stub in stubs)
            {
                await stub.DisposeAsync();
            }

            folder.Delete(recursive: true);
        }
    }

    private BenchRun Check(int replicas, bool killed, Problem[] problems, List<TrajectoryRecord> records, double seconds)
    {
        var byId = records.GroupBy(r => r.Id).ToDictionary(g => g.Key, g => g.ToList());
        var wrong = records.Count(r =>
        {
            var prompt = MessageContent.Unmark(TokenSkipPromptBuilder.BuildPrompt(ModelFamily.Qwen2, r.Question, CompressionRatio.Uncompressed));
            return r.Output != string.Concat(StubReplica.ReplyFor(prompt, tokens));
        });
        return new BenchRun(replicas, killed, records.Count, records.Sum(r => (long)r.OutputTokens), seconds,
            Missing: problems.Count(p => !byId.ContainsKey(p.Id)), Duplicated: byId.Values.Sum(g => g.Count - 1), Wrong: wrong);
    }

    private sealed class InlineProgress(Action<StageProgress> report) : IProgress<StageProgress>
    {
        public void Report(StageProgress value) => report(value);
    }
}
