using MiningLulc.Pipeline;

namespace MiningLulc.Tests.Pipeline;

public class WorkerPoolTests
{
    private sealed class Worker : IDisposable
    {
        public int InUse;
        public bool Disposed;
        public void Dispose() => Disposed = true;
    }

    [Fact]
    public void AParallelLoopMakesNoMoreWorkersThanRunAtOnceAndNeverSharesOne()
    {
        // Many short items over a thread pool that Parallel.ForEach may move between threads: a ThreadLocal
        // would make one worker per thread it ever used; the pool makes at most one per item running at once.
        var made = new List<Worker>();
        var pool = new WorkerPool<Worker>(() => { var w = new Worker(); lock (made) made.Add(w); return w; });
        var shared = 0;
        var ran = 0;
        Parallel.ForEach(Enumerable.Range(0, 400), new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
        {
            using var lease = pool.Rent();
            if (Interlocked.Increment(ref lease.Value.InUse) != 1) Interlocked.Increment(ref shared);
            if (i % 7 == 0) Thread.Sleep(1); else Thread.SpinWait(2000);
            Interlocked.Decrement(ref lease.Value.InUse);
            Interlocked.Increment(ref ran);
        });
        Assert.Equal(400, ran);
        Assert.Equal(0, shared);
        Assert.InRange(pool.Created, 1, 2);
        Assert.Equal(pool.Created, made.Count);
        Assert.DoesNotContain(made, w => w.Disposed);
        pool.Dispose();
        Assert.All(made, w => Assert.True(w.Disposed));
    }

    [Fact]
    public void AReturnedWorkerIsHandedOutAgain()
    {
        using var pool = new WorkerPool<Worker>(() => new Worker());
        Worker first;
        using (var lease = pool.Rent()) first = lease.Value;
        using (var again = pool.Rent()) Assert.Same(first, again.Value);
        using var a = pool.Rent();
        using var b = pool.Rent(); // both in use at once: a second one is made
        Assert.NotSame(a.Value, b.Value);
        Assert.Equal(2, pool.Created);
    }
}
