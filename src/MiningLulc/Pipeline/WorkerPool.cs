using System.Collections.Concurrent;

namespace MiningLulc.Pipeline;

/// <summary>
/// Per-worker state (a <see cref="SiteProcessor"/>: open rasters, block arrays, scratch) handed from a
/// finished item to the next, so a parallel loop holds at most one instance per item running at once.
/// A <see cref="ThreadLocal{T}"/> holds one per thread instead, and <c>Parallel.ForEach</c> runs its body
/// on whichever pool threads it has at the moment: a 4,000-site run with two workers made four
/// processors, each keeping its rasters and arrays to the end (docs/scale.md). Disposes every instance
/// it made. Thread-safe.
/// </summary>
public sealed class WorkerPool<T>(Func<T> create) : IDisposable where T : class, IDisposable
{
    private readonly ConcurrentBag<T> idle = [];
    private readonly ConcurrentQueue<T> made = [];

    /// <summary>How many instances were made: at most the number of items that ever ran at once.</summary>
    public int Created => made.Count;

    /// <summary>An idle instance, or a new one when all are in use; dispose the lease to hand it back.</summary>
    public Lease Rent()
    {
        if (!idle.TryTake(out var value))
        {
            value = create();
            made.Enqueue(value);
        }
        return new Lease(this, value);
    }

    public void Dispose()
    {
        while (made.TryDequeue(out var value)) value.Dispose();
        idle.Clear();
    }

    /// <summary>One instance in use; <see cref="Dispose"/> returns it to the pool.</summary>
    public readonly struct Lease(WorkerPool<T> pool, T value) : IDisposable
    {
        public T Value => value;

        public void Dispose() => pool.idle.Add(value);
    }
}
