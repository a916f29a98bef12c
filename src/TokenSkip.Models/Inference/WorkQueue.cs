namespace TokenSkip.Models.Inference;

/// <summary>
/// The bounded hand-off from request threads to the model thread. Unlike a channel, a waiting item can be removed
/// when its client cancels, so a disconnected client never holds queue capacity.
/// </summary>
internal sealed class WorkQueue
{
    private readonly LinkedList<GenerationWork> _items = new();
    private readonly object _lock = new(); // Monitor.Wait needs a monitor, not a System.Threading.Lock
    private readonly int _capacity;
    private bool _closed;

    public WorkQueue(int capacity) => _capacity = capacity;

    public int Capacity => _capacity;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _items.Count;
            }
        }
    }

    /// <summary>Adds <paramref name="work"/> unless the queue is full or closed, and wakes the model thread.</summary>
    public EnqueueResult TryEnqueue(GenerationWork work)
    {
        lock (_lock)
        {
            if (_closed)
            {
                return EnqueueResult.Closed;
            }

            if (_items.Count >= _capacity)
            {
                return EnqueueResult.Full;
            }

            work.QueueNode = _items.AddLast(work);
            Monitor.PulseAll(_lock);
            return EnqueueResult.Accepted;
        }
    }

    /// <summary>
    /// Closes the queue for good when it holds nothing (false otherwise): the model thread's last word before it leaves,
    /// so no request can slip in after it stopped looking.
    /// </summary>
    public bool TryCloseEmpty()
    {
        lock (_lock)
        {
            _closed = _items.Count == 0;
            return _closed;
        }
    }

    /// <summary>Closes the queue for good and returns what was still waiting in it.</summary>
    public IReadOnlyList<GenerationWork> Close()
    {
        lock (_lock)
        {
            _closed = true;
            var left = _items.ToList();
            foreach (var work in left)
            {
                work.QueueNode = null;
            }

            _items.Clear();
            return left;
        }
    }

    public bool TryDequeue(out GenerationWork work)
    {
        lock (_lock)
        {
            if (_items.First is not { } first)
            {
                work = null!;
                return false;
            }

            _items.RemoveFirst();
            first.Value.QueueNode = null;
            work = first.Value;
            return true;
        }
    }

    /// <summary>Removes <paramref name="work"/> if it is still waiting; false once the model thread has taken it.</summary>
    public bool TryRemove(GenerationWork work)
    {
        lock (_lock)
        {
            if (work.QueueNode is not { } node)
            {
                return false;
            }

            _items.Remove(node);
            work.QueueNode = null;
            return true;
        }
    }

    /// <summary>Blocks the model thread until an item arrives, <see cref="Wake"/> is called, or <paramref name="token"/> fires.</summary>
    public void WaitForWork(CancellationToken token)
    {
        using var registration = token.UnsafeRegister(static state => ((WorkQueue)state!).Wake(), this);
        lock (_lock)
        {
            if (_items.Count == 0 && !token.IsCancellationRequested)
            {
                Monitor.Wait(_lock);
            }
        }
    }

    public void Wake()
    {
        lock (_lock)
        {
            Monitor.PulseAll(_lock);
        }
    }
}
