using System.Text.Json;

namespace MiningLulc.Pipeline;

/// <summary>
/// A run's claim on OUTDIR (README.md, "Batch runs"). An output folder holds one region: the first
/// run records which (<c>work/region.json</c>: name and folder), and a run of another region into it
/// is refused, naming both. One process at a time per part of the work: a run without a shard takes
/// <c>.run.lock</c>, shard I/N takes <c>.shard-I-of-N.lock</c> (advisory file locks, released when
/// the process ends, however it ends), so any number of different shards run at once while a second
/// merge, or the same shard twice, is refused with a clear message instead of interleaving files.
/// </summary>
public sealed class OutputFolder : IDisposable
{
    private readonly FileStream lockFile;

    private OutputFolder(string directory, FileStream lockFile)
    {
        Directory = directory;
        this.lockFile = lockFile;
    }

    public string Directory { get; }

    public string WorkDirectory => Path.Combine(Directory, "work");

    /// <summary>Creates OUTDIR if needed, takes the lock for <paramref name="shard"/> and checks that the folder holds no other region.</summary>
    /// <exception cref="InvalidInputException">OUTDIR cannot be written, another process holds the lock, or OUTDIR holds another region.</exception>
    public static OutputFolder Claim(string outDirectory, string regionName, string regionDirectory, Shard shard)
    {
        var full = Path.GetFullPath(outDirectory);
        try
        {
            System.IO.Directory.CreateDirectory(Path.Combine(full, "work"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"the output folder cannot be created or written ({e.Message})", outDirectory, e);
        }
        var lockPath = Path.Combine(full, shard.IsAll ? ".run.lock" : $".shard-{shard.Index}-of-{shard.Count}.lock");
        FileStream stream;
        try
        {
            // FileShare.None takes an exclusive advisory lock (flock) on Unix: a second holder fails at once.
            stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new InvalidInputException($"the output folder cannot be written ({e.Message})", outDirectory, e);
        }
        catch (IOException e)
        {
            var who = shard.IsAll ? "another run of this region" : $"another process running shard {shard}";
            throw new InvalidInputException($"{who} is writing this output folder (it holds {Path.GetFileName(lockPath)}): wait for it to end, or give another --out", full, e);
        }
        var folder = new OutputFolder(full, stream);
        try
        {
            folder.CheckRegion(regionName, Path.GetFullPath(regionDirectory));
        }
        catch
        {
            folder.Dispose();
            throw;
        }
        return folder;
    }

    private sealed record RegionIdentity(string Name, string Directory);

    private void CheckRegion(string name, string directory)
    {
        var path = Path.Combine(WorkDirectory, "region.json");
        var mine = new RegionIdentity(name, directory);
        if (!File.Exists(path))
        {
            // Shards starting together may all write it: the same content, renamed atomically.
            AtomicFile.WriteAllText(path, JsonSerializer.Serialize(mine, EngineConfig.Json));
            return;
        }
        RegionIdentity? theirs;
        try
        {
            theirs = JsonSerializer.Deserialize<RegionIdentity>(File.ReadAllText(path), EngineConfig.Json);
        }
        catch (JsonException)
        {
            theirs = null;
        }
        if (theirs is null || string.IsNullOrEmpty(theirs.Name))
            throw new InvalidInputException($"the output folder's {Path.Combine("work", "region.json")} is unreadable, so it is not known which region its stored results belong to: give another --out, or delete the folder's work/ to start afresh", Directory);
        if (theirs.Name != mine.Name || theirs.Directory != mine.Directory)
            throw new InvalidInputException(
                $"the output folder holds region '{theirs.Name}' ({theirs.Directory}); this run is region '{mine.Name}' ({mine.Directory}): an output folder holds one region, give another --out",
                Directory);
    }

    public void Dispose() => lockFile.Dispose();
}
