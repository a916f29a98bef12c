using System.CommandLine;
using System.Globalization;
using TokenSkip.ReplicaBench;
using TokenSkip.TestSupport.Replicas;

// Scale-out simulation: the trajectory stage over 1, 2, 4, 8 stub replicas that answer like GPU servers (a per-token
// delay, a fixed number of sequences at once), then with one replica killed mid-run. Reports records/s and tokens/s,
// the efficiency against N × one replica, and whether every record was written exactly once and whole.
var replicaCounts = new Option<string>("--replicas") { Description = "Replica counts to measure.", DefaultValueFactory = _ => "1,2,4,8" };
var tokensPerSecond = new Option<double>("--tokens-per-second") { Description = "Decoding speed of each sequence.", DefaultValueFactory = _ => 50 };
var sequences = new Option<int>("--sequences") { Description = "Sequences each replica decodes at once.", DefaultValueFactory = _ => 16 };
var tokens = new Option<int>("--tokens") { Description = "Tokens per reply (max_tokens).", DefaultValueFactory = _ => 64 };
var records = new Option<int>("--records-per-replica") { Description = "Records per replica and run (so each run lasts about as long).", DefaultValueFactory = _ => 96 };
var killAt = new Option<double>("--kill-at") { Description = "Share of records written when one replica is killed in the failure run.", DefaultValueFactory = _ => 0.3 };
var failureReplicas = new Option<int>("--failure-replicas") { Description = "Replicas of the failure run (0: none).", DefaultValueFactory = _ => 4 };

var root = new RootCommand("Replica scale-out simulation of the TokenSkip pipeline over stub GPU servers.");
foreach (var option in new Option[] { replicaCounts, tokensPerSecond, sequences, tokens, records, killAt, failureReplicas })
{
    root.Options.Add(option);
}

root.SetAction(async (parse, _) =>
{
    var replica = new StubReplicaOptions { TokensPerSecond = parse.GetValue(tokensPerSecond), MaxSequences = parse.GetValue(sequences) };
    var bench = new TrajectoryBench(replica, parse.GetValue(tokens), parse.GetValue(records));
    var counts = parse.GetValue(replicaCounts)!.Split(',').Select(s => int.Parse(s.Trim(), CultureInfo.InvariantCulture)).ToArray();
    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"stub replicas: {replica.TokensPerSecond} tok/s per sequence, {replica.MaxSequences} sequences each, {parse.GetValue(tokens)} tokens per reply"));
    var runs = new List<BenchRun>();
    foreach (var count in counts)
    {
        runs.Add(await bench.RunAsync(count, killAt: null));
        Console.Error.WriteLine($"  {count} replica(s): done");
    }

    if (parse.GetValue(failureReplicas) is > 0 and var failing)
    {
        runs.Add(await bench.RunAsync(failing, parse.GetValue(killAt)));
        Console.Error.WriteLine($"  {failing} replicas, one killed: done");
    }

    var single = runs.FirstOrDefault(r => r.Replicas == 1 && !r.Killed);
    Console.WriteLine("| replicas | records | records/s | tokens/s | vs N × 1 replica | lost | duplicated | wrong |");
    Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    foreach (var run in runs)
    {
        var efficiency = single is null ? "–" : (run.RecordsPerSecond / (run.Replicas * single.RecordsPerSecond)).ToString("0.00", CultureInfo.InvariantCulture);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {run.Replicas}{(run.Killed ? ", 1 killed mid-run" : string.Empty)} | {run.Records} | {run.RecordsPerSecond:0.0} | {run.TokensPerSecond:0} | {efficiency} | {run.Missing} | {run.Duplicated} | {run.Wrong} |"));
    }

    var scaled = single is null || runs.Where(r => !r.Killed).All(r => r.RecordsPerSecond >= 0.9 * r.Replicas * single.RecordsPerSecond);
    var intact = runs.All(r => r.Intact);
    Console.Error.WriteLine($"target ≥ 0.9 × N × one replica: {(scaled ? "met" : "NOT met")}; every record once and whole: {(intact ? "yes" : "NO")}");
    return scaled && intact ? 0 : 1;
});

return await root.Parse(args).InvokeAsync();
