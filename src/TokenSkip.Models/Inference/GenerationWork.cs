using System.Threading.Channels;
using TokenSkip.Core.Generation;

namespace TokenSkip.Models.Inference;

/// <summary>
/// One accepted request on its way through the <see cref="BatchScheduler"/>: the prompt and options, the channel its tokens stream through,
/// its deadline and the client's cancellation. Created on the request's thread, advanced on the model thread.
/// </summary>
internal sealed class GenerationWork
{
    private readonly Channel<GenerationUpdate> _updates =
        Channel.CreateUnbounded<GenerationUpdate>(new UnboundedChannelOptions { SingleReader = true });

    private CancellationTokenRegistration _registration;
    private int _cancelled;

    public GenerationWork(IReadOnlyList<int> promptIds, GenerationOptions options, long arrival, long deadline, CancellationToken clientToken)
    {
        PromptIds = promptIds;
        Options = options;
        Arrival = arrival;
        Deadline = deadline;
        ClientToken = clientToken;
    }

    public IReadOnlyList<int> PromptIds { get; }

    public GenerationOptions Options { get; }

    /// <summary>Timestamp (TimeProvider ticks) of arrival.</summary>
    public long Arrival { get; }

    /// <summary>Timestamp after which the request is ended.</summary>
    public long Deadline { get; }

    public CancellationToken ClientToken { get; }

    public ChannelReader<GenerationUpdate> Reader => _updates.Reader;

    /// <summary>The queue's node while the work waits in it (guarded by the queue's lock).</summary>
    public LinkedListNode<GenerationWork>? QueueNode { get; set; }

    /// <summary>Timestamp of the first token, or 0 before it.</summary>
    public long FirstTokenAt { get; private set; }

    public int Tokens { get; private set; }

    public bool IsCancelled => Volatile.Read(ref _cancelled) == 1;

    /// <summary>Calls <paramref name="onCancelled"/> when the client cancels (at once if it already has).</summary>
    public void WatchCancellation(Action<GenerationWork> onCancelled) =>
        _registration = ClientToken.UnsafeRegister(static (state, _) =>
        {
            var (work, callback) = ((GenerationWork, Action<GenerationWork>))state!;
            Volatile.Write(ref work._cancelled, 1);
            callback(work);
        }, (this, onCancelled));

    /// <summary>Passes a token on to the reader (renumbered as request 0: the slot is the worker's business).</summary>
    public void Deliver(GenerationUpdate update, long now)
    {
        if (Tokens == 0)
        {
            FirstTokenAt = now;
        }

        Tokens++;
        _updates.Writer.TryWrite(update with { RequestIndex = 0 });
    }

    public void Complete()
    {
        _registration.Unregister();
        _updates.Writer.TryComplete();
    }

    public void Fail(Exception error)
    {
        _registration.Unregister();
        _updates.Writer.TryComplete(error);
    }
}
